package org.dpo4j.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.checkpoint.Folders;
import org.dpo4j.trainer.checkpoint.SafetensorsFile;
import org.dpo4j.trainer.checkpoint.SafetensorsWriter;
import org.dpo4j.trainer.checkpoint.SaveDtype;
import org.dpo4j.trainer.common.IoErrors;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.model.Linear;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * A PEFT LoRA adapter folder, as {@code PeftModel.save_pretrained} writes it and
 * {@code PeftModel.from_pretrained} reads it:
 * <pre>
 *   adapter_config.json         LoraConfig as JSON (sorted keys, indent 2): peft_type LORA, task_type
 *                               CAUSAL_LM, r, lora_alpha, lora_dropout, use_rslora, bias,
 *                               target_modules, fan_in_fan_out, ...
 *   adapter_model.safetensors   float32, __metadata__ {"format": "pt"}:
 *                               base_model.model.MODULE.lora_A.weight (r, in),
 *                               base_model.model.MODULE.lora_B.weight (out, r),
 *                               base_model.model.MODULE.bias for the biases bias: all / lora_only trains
 * </pre>
 * MODULE is the Hugging Face model object's module path ({@code ModelFamily.modulePath}).
 */
public final class PeftAdapterFolder {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    static final String PREFIX = "base_model.model.";

    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final DefaultPrettyPrinter PYTHON_STYLE = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));

    private PeftAdapterFolder() {}

    /**
     * Writes the adapters {@code weights} carry into the new folder {@code target}, complete or
     * not at all, with {@code extraFiles} (the tokenizer's) beside them.
     *
     * @param baseModel {@code base_model_name_or_path} (informational), or null
     */
    public static void write(Path target, ModelArchitecture architecture, ModelWeights weights, String baseModel,
            Map<String, byte[]> extraFiles) {
        Path staging = Folders.staging(target);
        try {
            Folders.deleteRecursively(staging);
            Files.createDirectories(staging);
            writeInto(staging, architecture, weights, baseModel, extraFiles);
            Folders.publish(staging, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the adapter to " + target + ": " + IoErrors.describe(e), e);
        }
    }

    /** {@link #write} into an existing folder, each file atomically. */
    public static void writeInto(Path folder, ModelArchitecture architecture, ModelWeights weights, String baseModel,
            Map<String, byte[]> extraFiles) throws IOException {
        LoraAdapters adapters = LoraAdapters.of(weights);
        if (adapters == null) {
            throw new IllegalArgumentException("the weights carry no LoRA adapters");
        }
        LoraSpec spec = adapters.spec();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (String module : spec.modules()) {
            String path = PREFIX + architecture.family().modulePath(module);
            tensors.put(path + ".lora_A.weight", weights.get(LoraSpec.aName(module)));
            tensors.put(path + ".lora_B.weight", weights.get(LoraSpec.bName(module)));
        }
        for (String bias : LoraWeights.trainedBiases(spec, weights)) {
            String module = bias.substring(0, bias.length() - ".bias".length());
            tensors.put(PREFIX + architecture.family().modulePath(module) + ".bias", weights.get(bias));
        }
        SafetensorsWriter.write(folder.resolve(WEIGHTS), tensors, SaveDtype.F32);
        AtomicFiles.writeString(folder.resolve(CONFIG), configJson(spec, baseModel));
        for (Map.Entry<String, byte[]> file : extraFiles.entrySet()) {
            AtomicFiles.writeBytes(folder.resolve(file.getKey()), file.getValue());
        }
    }

    /** adapter_config.json with PEFT 0.17's keys, each at its default unless the adapters set it. */
    static String configJson(LoraSpec spec, String baseModel) throws IOException {
        Map<String, Object> c = new TreeMap<>();
        c.put("alpha_pattern", Map.of());
        c.put("auto_mapping", null);
        c.put("base_model_name_or_path", baseModel);
        c.put("bias", spec.bias());
        c.put("corda_config", null);
        c.put("eva_config", null);
        c.put("exclude_modules", null);
        c.put("fan_in_fan_out", spec.layout() == Linear.Layout.IN_OUT);
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        c.put("layer_replication", null);
        c.put("layers_pattern", null);
        c.put("layers_to_transform", null);
        c.put("loftq_config", Map.of());
        c.put("lora_alpha", alphaValue(spec.alpha()));
        c.put("lora_bias", false);
        c.put("lora_dropout", spec.dropout());
        c.put("megatron_config", null);
        c.put("megatron_core", "megatron.core");
        c.put("modules_to_save", null);
        c.put("peft_type", "LORA");
        c.put("qalora_group_size", 16);
        c.put("r", spec.r());
        c.put("rank_pattern", Map.of());
        c.put("revision", null);
        c.put("target_modules", spec.targetModules());
        c.put("target_parameters", null);
        c.put("task_type", "CAUSAL_LM");
        c.put("trainable_token_indices", null);
        c.put("use_dora", false);
        c.put("use_qalora", false);
        c.put("use_rslora", spec.useRslora());
        return JSON.writer(PYTHON_STYLE).writeValueAsString(c);
    }

    /** An integral alpha as an integer (PEFT's type hint is int), else the number. */
    private static Object alphaValue(double alpha) {
        return alpha == Math.rint(alpha) && Math.abs(alpha) < 1e9 ? (Object) (long) alpha : (Object) alpha;
    }

    /** What an adapter folder holds, its tensors under dpo4j's names; close when done. */
    public static final class Contents implements AutoCloseable {
        private final LoraSpec spec;
        private final SafetensorsFile file;
        private final Map<String, String> storedNames;
        private final List<String> biases;

        private Contents(LoraSpec spec, SafetensorsFile file, Map<String, String> storedNames, List<String> biases) {
            this.spec = spec;
            this.file = file;
            this.storedNames = storedNames;
            this.biases = biases;
        }

        public LoraSpec spec() {
            return spec;
        }

        /** The model's bias tensors (dpo4j names) the file holds trained values of. */
        public List<String> biases() {
            return biases;
        }

        /** The tensor stored for dpo4j's {@code name}, as float32 of {@code shape}. */
        public NDArray tensor(String name, Shape shape, NDManager manager) {
            String stored = storedNames.get(name);
            if (!file.entry(stored).shape().equals(shape)) {
                throw new UserInputException(file.path() + ": " + stored + " has shape " + file.entry(stored).shape()
                        + ", but this model needs " + shape);
            }
            NDArray t = file.toNDArray(stored, manager);
            return t;
        }

        @Override
        public void close() {
            file.close();
        }
    }

    /**
     * Reads {@code folder}'s config and tensor index (the tensors are read by {@link Contents#tensor}).
     *
     * @throws UserInputException when the folder is not a LoRA adapter dpo4j can apply to a model
     *     of {@code architecture}: missing files, another PEFT type, DoRA and the other options
     *     dpo4j does not implement, tensors of modules the model does not have, a module with
     *     only one of A and B
     */
    public static Contents read(Path folder, ModelArchitecture architecture) {
        Path configFile = folder.resolve(CONFIG);
        Path weightsFile = folder.resolve(WEIGHTS);
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(weightsFile)) {
            throw new UserInputException(folder + ": not a PEFT adapter folder (expected " + CONFIG + " and " + WEIGHTS + ")");
        }
        JsonNode config = JsonFiles.read(configFile);
        String type = config.path("peft_type").asText("");
        if (!type.equalsIgnoreCase("LORA")) {
            throw new UserInputException(configFile + ": peft_type is '" + type + "'; dpo4j reads LoRA adapters only");
        }
        refuseUnless(configFile, config, "use_dora", n -> !n.asBoolean(false), "DoRA");
        refuseUnless(configFile, config, "lora_bias", n -> !n.asBoolean(false), "a LoRA bias");
        refuseUnless(configFile, config, "rank_pattern", n -> n.isNull() || n.isEmpty(), "per-layer ranks");
        refuseUnless(configFile, config, "alpha_pattern", n -> n.isNull() || n.isEmpty(), "per-layer alphas");
        refuseUnless(configFile, config, "layers_to_transform", JsonNode::isNull, "layers_to_transform");
        refuseUnless(configFile, config, "modules_to_save", n -> n.isNull() || n.isEmpty(), "modules_to_save");
        int r = config.path("r").asInt(8);
        double alpha = config.path("lora_alpha").asDouble(8);
        boolean rslora = config.path("use_rslora").asBoolean(false);
        double dropout = config.path("lora_dropout").asDouble(0);
        String bias = config.path("bias").asText("none");
        Object targets = JSON.convertValue(config.get("target_modules"), Object.class);

        SafetensorsFile file = SafetensorsFile.open(weightsFile);
        try {
            Map<String, String> stored = new LinkedHashMap<>();
            List<String> biases = new ArrayList<>();
            java.util.Set<String> modules = new java.util.LinkedHashSet<>();
            java.util.Set<String> linear = new java.util.HashSet<>(LoraTargets.linearModules(architecture));
            for (String key : file.entries().keySet()) {
                String path = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
                String part;
                if (path.endsWith(".lora_A.weight") || path.endsWith(".lora_B.weight")) {
                    part = path.substring(path.length() - ".lora_A.weight".length());
                } else if (path.endsWith(".bias")) {
                    part = ".bias";
                } else {
                    throw new UserInputException(weightsFile + ": tensor " + key + " is not a LoRA A/B matrix or a bias;"
                            + " dpo4j reads plain LoRA adapters");
                }
                String module = architecture.family().canonicalTensorName(path.substring(0, path.length() - part.length()) + ".weight");
                module = module.substring(0, module.length() - ".weight".length());
                if (part.equals(".bias")) {
                    String name = module + ".bias";
                    stored.put(name, key);
                    biases.add(name);
                    continue;
                }
                if (!linear.contains(module)) {
                    throw new UserInputException(weightsFile + ": tensor " + key + " adapts " + module + ", which is not a"
                            + " linear layer of this " + architecture.modelType() + " model");
                }
                modules.add(module);
                stored.put(module + part, key);
            }
            List<String> ordered = LoraTargets.linearModules(architecture).stream().filter(modules::contains).toList();
            for (String module : ordered) {
                for (String name : List.of(LoraSpec.aName(module), LoraSpec.bName(module))) {
                    if (!stored.containsKey(name)) {
                        throw new UserInputException(weightsFile + ": " + module + " has no " + name.substring(module.length() + 1)
                                + "; every adapted module needs both lora_A and lora_B");
                    }
                }
            }
            if (ordered.isEmpty()) {
                throw new UserInputException(weightsFile + ": holds no LoRA tensors");
            }
            LoraSpec spec = new LoraSpec(r, alpha, rslora, dropout, bias, ordered, targets,
                    architecture.family().projectionLayout());
            return new Contents(spec, file, stored, biases);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static void refuseUnless(Path file, JsonNode config, String key, java.util.function.Predicate<JsonNode> ok,
            String what) {
        JsonNode value = config.get(key);
        if (value != null && !ok.test(value)) {
            throw new UserInputException(file + ": " + key + " is " + value + "; dpo4j does not implement " + what
                    + " (only plain LoRA adapters)");
        }
    }

    /** Whether {@code folder} looks like a PEFT adapter folder. */
    public static boolean isAdapterFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(CONFIG));
    }
}
