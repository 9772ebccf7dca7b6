package org.dpo4j.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.dpo4j.trainer.model.Linear;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * Folds LoRA adapters into the base weights (PEFT's {@code merge_and_unload}):
 * <pre>
 *   nn.Linear, W (out, in):            W' = W + s·B·A
 *   Conv1D (fan_in_fan_out), W (in, out): W' = W + s·(B·A)ᵀ
 * </pre>
 * so that the merged model's plain forward equals the adapted model's forward (up to float32
 * rounding), with no adapter tensors left.
 */
public final class LoraMerge {

    private LoraMerge() {}

    /**
     * The merged model: the base tensors, each adapted weight replaced by W' (new arrays in a
     * sub-manager of the weights' manager; the others shared with {@code weights}). Closing the
     * result frees the merged arrays only.
     *
     * @throws IllegalArgumentException when {@code weights} carry no LoRA adapters
     */
    public static ModelWeights merged(ModelWeights weights) {
        LoraAdapters adapters = LoraAdapters.of(weights);
        if (adapters == null) {
            throw new IllegalArgumentException("the weights carry no LoRA adapters");
        }
        LoraSpec spec = adapters.spec();
        Set<String> adapterTensors = new HashSet<>();
        spec.modules().forEach(m -> {
            adapterTensors.add(LoraSpec.aName(m));
            adapterTensors.add(LoraSpec.bName(m));
        });
        NDManager manager = weights.all().values().iterator().next().getManager().newSubManager();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        weights.all().forEach((name, t) -> {
            if (!adapterTensors.contains(name)) {
                tensors.put(name, t);
            }
        });
        double scaling = spec.scaling();
        for (String module : spec.modules()) {
            String name = module + ".weight";
            NDArray w = weights.get(name);
            NDArray ba = weights.get(LoraSpec.bName(module)).matMul(weights.get(LoraSpec.aName(module))); // (out, in)
            if (spec.layout() == Linear.Layout.IN_OUT) {
                ba = ba.transpose();
            }
            NDArray scaled = ba.mul((float) scaling);
            NDArray merged = w.add(scaled);
            merged.attach(manager);
            scaled.close();
            ba.close();
            tensors.put(name, merged);
        }
        return new ModelWeights(manager, tensors);
    }
}
