package org.dpo4j.trainer.run;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.LoraConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.hub.ModelFolders;
import org.dpo4j.trainer.lora.LoraAdapters;
import org.dpo4j.trainer.lora.LoraWeights;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.registry.HfConfigReader;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.dpo4j.trainer.tokenizer.HfTokenizer;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * The policy (trainable) and the reference (frozen, no gradients) a run uses, built from
 * {@code model} and {@code reference}: loaded from Hugging Face folders, or a preset initialised
 * from {@code train.seed}. The reference defaults to a second copy of the initial policy; with
 * {@code lora} (or {@code model.adapter}) the policy is the base model plus LoRA adapters, and the
 * reference defaults to the same base weights with the adapters switched off (no copy).
 *
 * @param policy       the model being trained
 * @param reference    the frozen reference
 * @param policyFolder the folder the policy came from, or null for a preset
 */
public record RunModels(CausalLm policy, CausalLm reference, Path policyFolder) {

    /** The tokenizer of {@code model}: the folder's {@code tokenizer.json}, or the presets' byte tokenizer. */
    public static TextTokenizer tokenizer(Path policyFolder) {
        return policyFolder == null ? new ByteTokenizer() : HfTokenizer.load(policyFolder);
    }

    /**
     * @param config        the run
     * @param policyFolder  the resolved {@code model.path}, or null for the preset
     * @param tokenizer     the policy's tokenizer
     * @param manager       owns the weights
     * @param warnings      receives one line per thing the user should know (unused tensors)
     * @throws UserInputException when a folder is unusable or the vocabularies do not fit
     */
    public static RunModels load(RunConfig config, Path policyFolder, TextTokenizer tokenizer, NDManager manager,
            Consumer<String> warnings) {
        int maxLength = config.data().maxLength();
        ModelArchitecture architecture;
        ModelWeights policyWeights;
        if (policyFolder == null) {
            architecture = ModelPresets.of(config.model().arch(), config.model().preset(), tokenizer.vocabSize());
            policyWeights = ModelInitializer.randomWeights(architecture, config.train().seed(), manager);
        } else {
            // the vocabulary check first: a mismatch would otherwise surface as an embedding shape error
            checkVocabulary(tokenizer, HfConfigReader.read(policyFolder, maxLength), "model.path");
            LoadedModel loaded = HfModelLoader.load(policyFolder, maxLength, manager);
            warnUnused(loaded, "model.path", warnings);
            architecture = loaded.architecture();
            policyWeights = loaded.weights();
        }
        policyWeights = withAdapters(config, architecture, policyWeights);
        CausalLm reference = reference(config, policyFolder, tokenizer, architecture, policyWeights, manager, warnings);
        policyWeights.requireGradients();
        ModelWeights.releaseStagingMemory();
        return new RunModels(CausalLm.of(architecture, policyWeights), reference, policyFolder);
    }

    /**
     * A preset policy initialised from {@code seed} and its reference, a copy of it, drawn and
     * prepared in the order {@link #load} does for a preset without {@code reference.path}.
     */
    public static RunModels initialised(ModelArchitecture architecture, long seed, NDManager manager) {
        return initialised(architecture, seed, null, manager);
    }

    /**
     * {@link #initialised(ModelArchitecture, long, NDManager)} with LoRA adapters ({@code lora}
     * non-null): the reference is then the base with the adapters off.
     */
    public static RunModels initialised(ModelArchitecture architecture, long seed, LoraConfig lora, NDManager manager) {
        ModelWeights policy = ModelInitializer.randomWeights(architecture, seed, manager);
        if (lora != null) {
            policy = LoraWeights.attach(architecture, policy, lora, seed);
        }
        CausalLm reference = CausalLm.of(architecture, lora != null ? policy.withoutAdapters() : policy.copy(manager));
        policy.requireGradients();
        ModelWeights.releaseStagingMemory();
        return new RunModels(CausalLm.of(architecture, policy), reference, null);
    }

    private static CausalLm reference(RunConfig config, Path policyFolder, TextTokenizer tokenizer,
            ModelArchitecture policyArchitecture, ModelWeights policyWeights, NDManager manager,
            Consumer<String> warnings) {
        Path folder = ModelFolders.resolve(config.reference().path(), "reference.path");
        if (folder == null) {
            // LoRA: the base model is the adapters-off view of the policy's own tensors
            return CausalLm.of(policyArchitecture, LoraAdapters.of(policyWeights) != null
                    ? policyWeights.withoutAdapters() : policyWeights.copy(manager));
        }
        checkReferenceTokenizer(config.reference().path(), folder, policyFolder, tokenizer);
        LoadedModel loaded = HfModelLoader.load(folder, config.data().maxLength(), manager);
        warnUnused(loaded, "reference.path", warnings);
        try {
            checkReferenceArchitecture(config, folder, policyFolder, loaded.architecture(), policyArchitecture);
        } catch (UserInputException e) {
            loaded.weights().close();
            throw e;
        }
        return CausalLm.of(loaded.architecture(), loaded.weights());
    }

    /**
     * The policy's weights with LoRA adapters: {@code model.adapter}'s (a PEFT folder, trained
     * further), or new ones when {@code lora} is set; unchanged for full fine-tuning.
     */
    static ModelWeights withAdapters(RunConfig config, ModelArchitecture architecture, ModelWeights weights) {
        Path adapter = config.model().adapter() == null ? null : Path.of(config.model().adapter());
        if (adapter != null) {
            if (!Files.isDirectory(adapter)) {
                throw new UserInputException("model.adapter: " + adapter + " is not a folder");
            }
            Double dropout = config.lora() == null ? null : config.lora().dropout();
            return LoraWeights.load(architecture, weights, adapter, dropout, config.train().seed());
        }
        return config.lora() == null ? weights : LoraWeights.attach(architecture, weights, config.lora(), config.train().seed());
    }

    /**
     * The reference folder's tokenizer must have the policy's vocabulary.
     *
     * @param value the {@code reference.path} value as configured, for messages
     */
    static void checkReferenceTokenizer(String value, Path folder, Path policyFolder, TextTokenizer tokenizer) {
        if (policyFolder == null) {
            throw new UserInputException("reference.path: " + value
                    + " needs model.path too: a preset policy has the built-in byte tokenizer, which no model folder shares");
        }
        try (HfTokenizer referenceTokenizer = HfTokenizer.load(folder)) {
            if (!((HfTokenizer) tokenizer).vocabulary().equals(referenceTokenizer.vocabulary())) {
                throw new UserInputException("reference.path: the tokenizer of " + folder
                        + " has a different vocabulary from the policy's (" + policyFolder
                        + "); policy and reference must share one tokenizer");
            }
        }
    }

    /** The reference must score the policy's vocabulary, and TR-DPO needs the same architecture. */
    static void checkReferenceArchitecture(RunConfig config, Path folder, Path policyFolder,
            ModelArchitecture reference, ModelArchitecture policyArchitecture) {
        if (reference.vocabSize() != policyArchitecture.vocabSize()) {
            throw new UserInputException("reference.path: vocab_size " + reference.vocabSize()
                    + " differs from the policy's " + policyArchitecture.vocabSize()
                    + "; both models must score the same vocabulary");
        }
        if (config.reference().syncs() && !reference.equals(policyArchitecture)) {
            throw new UserInputException("reference.sync_every: TR-DPO mixes the policy's weights into the reference,"
                    + " so reference.path must have the policy's architecture, but " + folder + " differs from "
                    + policyFolder + " in config.json: " + firstDifference(reference, policyArchitecture));
        }
    }

    /** E.g. {@code num_hidden_layers 4 vs 2}: the first config.json key whose values differ. */
    private static String firstDifference(ModelArchitecture reference, ModelArchitecture policy) {
        java.util.Map<String, Object> r = reference.toHfConfig();
        java.util.Map<String, Object> p = policy.toHfConfig();
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(p.keySet());
        keys.addAll(r.keySet());
        for (String key : keys) {
            if (!java.util.Objects.equals(r.get(key), p.get(key))) {
                return key + " " + r.get(key) + " (reference) vs " + p.get(key) + " (policy)";
            }
        }
        return "model_type " + reference.modelType() + " vs " + policy.modelType();
    }

    /** Every id the tokenizer can produce must index a row of the embedding. */
    static void checkVocabulary(TextTokenizer tokenizer, ModelArchitecture architecture, String keyPath) {
        if (tokenizer.vocabSize() > architecture.vocabSize()) {
            throw new UserInputException(keyPath + ": the tokenizer has " + tokenizer.vocabSize()
                    + " ids but the model's vocab_size is " + architecture.vocabSize()
                    + "; tokenizer.json and config.json do not belong together");
        }
    }

    private static void warnUnused(LoadedModel loaded, String keyPath, Consumer<String> warnings) {
        List<String> unused = loaded.unusedTensors();
        if (!unused.isEmpty()) {
            warnings.accept("warning: " + keyPath + ": " + unused.size() + " tensor(s) of " + loaded.folder()
                    + " are not parameters of a " + loaded.architecture().modelType() + " model and were ignored, e.g. "
                    + unused.get(0));
        }
    }
}
