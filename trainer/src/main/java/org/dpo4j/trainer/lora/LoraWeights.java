package org.dpo4j.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.LoraConfig;
import org.dpo4j.trainer.model.Linear;
import org.dpo4j.trainer.model.LinearAdapters;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * Attaches LoRA adapters to a model's weights: the result holds the base tensors (frozen, except
 * the biases {@code bias} trains) and each adapted module's A (r, in) and B (out, r), the only
 * other trainable tensors, with {@link LoraAdapters} applying them. Either new adapters,
 * initialised as PEFT does (A Kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in); B zero, so the
 * adapted model starts as the base), or a PEFT adapter folder's.
 */
public final class LoraWeights {

    private LoraWeights() {}

    /**
     * New adapters for the modules {@code config} targets.
     *
     * @param seed the run's seed: A is drawn from it (module by module in tensor order), and
     *             dropout masks
     * @throws UserInputException when {@code lora.target_modules} selects no linear layer
     */
    public static ModelWeights attach(ModelArchitecture architecture, ModelWeights base, LoraConfig config, long seed) {
        List<String> modules = LoraTargets.of(config, architecture.family()).select(architecture);
        if (modules.isEmpty()) {
            List<String> all = LoraTargets.linearModules(architecture);
            throw new UserInputException("lora.target_modules: " + describe(config) + " matches no linear layer of this "
                    + architecture.modelType() + " model; its module paths are e.g. "
                    + all.stream().limit(4).map(architecture.family()::modulePath).toList());
        }
        LoraSpec spec = new LoraSpec(config.r(), config.alpha(), config.useRslora(), config.dropout(), config.bias(),
                modules, savedTargets(config, architecture, modules), architecture.family().projectionLayout());
        NDManager manager = managerOf(base);
        Random random = new Random(seed ^ 0x4C6F5241L);
        Map<String, NDArray> adapters = new LinkedHashMap<>();
        for (String module : modules) {
            int[] inOut = inOut(architecture, module);
            int in = inOut[0];
            float bound = (float) (1 / Math.sqrt(in));
            float[] a = new float[spec.r() * in];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            adapters.put(LoraSpec.aName(module), ModelWeights.owned(manager, a, new Shape(spec.r(), in)));
            adapters.put(LoraSpec.bName(module), manager.zeros(new Shape(inOut[1], spec.r())));
        }
        return adapted(base, spec, adapters, seed);
    }

    /**
     * A PEFT adapter folder's adapters on {@code base}: the modules its tensors name, its r,
     * alpha, rsLoRA and bias; trained biases it holds replace the base's.
     *
     * @param dropout the dropout to train with (the run's {@code lora.dropout}), or null for the
     *                folder's {@code lora_dropout}
     * @throws UserInputException when the folder is not a LoRA adapter of this model
     */
    public static ModelWeights load(ModelArchitecture architecture, ModelWeights base, Path folder, Double dropout,
            long seed) {
        PeftAdapterFolder.Contents contents = PeftAdapterFolder.read(folder, architecture);
        LoraSpec read = contents.spec();
        LoraSpec spec = dropout == null ? read : new LoraSpec(read.r(), read.alpha(), read.useRslora(), dropout, read.bias(),
                read.modules(), read.targetModules(), read.layout());
        NDManager manager = managerOf(base);
        Map<String, NDArray> adapters = new LinkedHashMap<>();
        try (NDManager temp = manager.newSubManager()) {
            for (String module : spec.modules()) {
                int[] inOut = inOut(architecture, module);
                adapters.put(LoraSpec.aName(module), contents.tensor(LoraSpec.aName(module), new Shape(spec.r(), inOut[0]), manager));
                adapters.put(LoraSpec.bName(module), contents.tensor(LoraSpec.bName(module), new Shape(inOut[1], spec.r()), manager));
            }
            for (String biasName : contents.biases()) {
                NDArray target = base.all().get(biasName);
                if (target == null) {
                    throw new UserInputException(folder + ": adapter_model.safetensors holds a bias " + biasName
                            + " that the model does not have");
                }
                ModelWeights.copyInto(target, contents.tensor(biasName, target.getShape(), temp));
            }
        } finally {
            contents.close();
        }
        return adapted(base, spec, adapters, seed);
    }

    /**
     * The adapters a run would build, without any weights: {@code model.adapter}'s (its config and
     * safetensors header) or those {@code lora} targets; null for full fine-tuning.
     *
     * @throws UserInputException as {@link #attach} and {@link #load} would
     */
    public static LoraSpec plan(ModelArchitecture architecture, LoraConfig config, Path adapterFolder) {
        if (adapterFolder != null) {
            try (PeftAdapterFolder.Contents contents = PeftAdapterFolder.read(adapterFolder, architecture)) {
                return contents.spec();
            }
        }
        if (config == null) {
            return null;
        }
        List<String> modules = LoraTargets.of(config, architecture.family()).select(architecture);
        if (modules.isEmpty()) {
            throw new UserInputException("lora.target_modules: " + describe(config) + " matches no linear layer of this "
                    + architecture.modelType() + " model");
        }
        return new LoraSpec(config.r(), config.alpha(), config.useRslora(), config.dropout(), config.bias(), modules,
                savedTargets(config, architecture, modules), architecture.family().projectionLayout());
    }

    /** Trainable scalars of {@code spec} on {@code architecture}: r·(in + out) per adapted layer, plus the biases it trains. */
    public static long trainableParameters(ModelArchitecture architecture, LoraSpec spec) {
        long n = 0;
        for (String module : spec.modules()) {
            int[] inOut = inOut(architecture, module);
            n += (long) spec.r() * (inOut[0] + inOut[1]);
        }
        for (Map.Entry<String, Shape> e : architecture.tensorShapes().entrySet()) {
            String name = e.getKey();
            boolean trained = name.endsWith(".bias") && switch (spec.bias()) {
                case "all" -> true;
                case "lora_only" -> spec.modules().contains(name.substring(0, name.length() - ".bias".length()));
                default -> false;
            };
            if (trained) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    /** The biases {@code bias} trains: none, every bias, or the adapted layers' biases. */
    static Set<String> trainedBiases(LoraSpec spec, ModelWeights base) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : base.all().keySet()) {
            boolean isBias = name.endsWith(".bias");
            boolean chosen = switch (spec.bias()) {
                case "all" -> isBias;
                case "lora_only" -> isBias && spec.modules().contains(name.substring(0, name.length() - ".bias".length()));
                default -> false;
            };
            if (chosen) {
                names.add(name);
            }
        }
        return names;
    }

    private static ModelWeights adapted(ModelWeights base, LoraSpec spec, Map<String, NDArray> adapters, long seed) {
        Map<String, NDArray> tensors = new LinkedHashMap<>(base.all());
        tensors.putAll(adapters);
        Set<String> frozen = new LinkedHashSet<>(base.all().keySet());
        frozen.removeAll(trainedBiases(spec, base));
        LinearAdapters layers = LoraAdapters.over(spec, tensors, seed);
        return new ModelWeights(managerOf(base), tensors, frozen, layers);
    }

    /** {@code [in, out]} of {@code module}'s weight, from its stored shape and the family's layout. */
    static int[] inOut(ModelArchitecture architecture, String module) {
        Shape shape = architecture.tensorShapes().get(module + ".weight");
        int first = (int) shape.get(0);
        int second = (int) shape.get(1);
        return architecture.family().projectionLayout() == Linear.Layout.OUT_IN ? new int[] {second, first} : new int[] {first, second};
    }

    private static NDManager managerOf(ModelWeights base) {
        return base.all().values().iterator().next().getManager();
    }

    /**
     * {@code target_modules} as adapter_config.json records it: the configured list or regular
     * expression; for {@code all-linear} and the family default, the adapted modules' last names
     * (what PEFT ≤ 0.14 saves for all-linear, which every PEFT version reads).
     */
    private static Object savedTargets(LoraConfig config, ModelArchitecture architecture, List<String> modules) {
        if (config.targetList() != null) {
            return config.targetList();
        }
        if (config.targetString() != null && !config.targetString().equalsIgnoreCase(LoraConfig.ALL_LINEAR)) {
            return config.targetString();
        }
        Set<String> names = new TreeSet<>();
        modules.forEach(m -> names.add(m.substring(m.lastIndexOf('.') + 1)));
        return List.copyOf(names);
    }

    private static String describe(LoraConfig config) {
        return config.targetModules() == null ? "(the model type's default)" : String.valueOf(config.targetModules());
    }
}
