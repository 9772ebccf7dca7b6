package org.dpo4j.trainer.lora;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dpo4j.trainer.model.LinearAdapter;
import org.dpo4j.trainer.model.LinearAdapters;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * The LoRA layers of one model, by module, over the A and B tensors its {@link ModelWeights}
 * hold: what {@code model.Linear} adds to each adapted layer.
 */
public final class LoraAdapters implements LinearAdapters {

    private final LoraSpec spec;
    private final Map<String, LoraLayer> layers;
    private final LoraDropout dropout;

    private LoraAdapters(LoraSpec spec, Map<String, LoraLayer> layers, LoraDropout dropout) {
        this.spec = spec;
        this.layers = layers;
        this.dropout = dropout;
    }

    /**
     * @param spec    the adapters
     * @param tensors holds {@link LoraSpec#aName} and {@link LoraSpec#bName} of every module
     * @param seed    the run's seed, from which dropout masks are drawn
     */
    static LoraAdapters over(LoraSpec spec, Map<String, ai.djl.ndarray.NDArray> tensors, long seed) {
        LoraDropout dropout = new LoraDropout(spec.dropout(), seed);
        Map<String, LoraLayer> layers = new LinkedHashMap<>();
        double scaling = spec.scaling();
        for (String module : spec.modules()) {
            layers.put(module, new LoraLayer(tensors.get(LoraSpec.aName(module)), tensors.get(LoraSpec.bName(module)),
                    scaling, dropout));
        }
        return new LoraAdapters(spec, layers, dropout);
    }

    @Override
    public LinearAdapter forModule(String module) {
        return layers.get(module);
    }

    @Override
    public void atStep(long step) {
        dropout.atStep(step);
    }

    public LoraSpec spec() {
        return spec;
    }

    /**
     * The LoRA adapters {@code weights} carry, or null for a model without them (full
     * fine-tuning).
     */
    public static LoraAdapters of(ModelWeights weights) {
        return weights.adapters() instanceof LoraAdapters lora ? lora : null;
    }
}
