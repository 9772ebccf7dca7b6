package org.dpo4j.trainer.model;

import java.util.List;

/**
 * One family of decoder-only models that share a forward pass (Llama-style, GPT-2): what dpo4j
 * knows about it apart from any one configuration. Each family lives in its own package with
 * its architecture record ({@link ModelArchitecture}), its forward pass ({@link CausalLm}) and
 * its tensor names, and is registered once in {@code model.registry.ModelFamilies}; callers look
 * a family up there and never branch on which one they hold.
 *
 * <p>Every fact is abstract, so a new family does not compile until it states all of them, and
 * {@code ModelFamilyContractTest} checks their values for every registered family.
 */
public interface ModelFamily {

    /** The {@code config.json} {@code model_type}s this family reads, e.g. {@code llama, mistral, qwen2}. */
    List<String> modelTypes();

    /** The {@code model_type}s that have built-in presets ({@code model.arch}, {@code init-model --arch}). */
    List<String> presetArches();

    /**
     * Reads {@code config}, a {@code config.json} whose {@code model_type} is one of
     * {@link #modelTypes()}: every hyper-parameter from the file, a missing key taking the
     * default of Hugging Face's configuration class for that type. Refuses, naming the key,
     * what the forward pass does not implement, and what cannot attend {@code maxLength} tokens
     * in a way the generic position check does not see (e.g. an active sliding window).
     *
     * @throws org.dpo4j.trainer.common.UserInputException through {@link HfConfigJson#fail}
     */
    ModelArchitecture readConfig(HfConfigJson config, String modelType, int maxLength);

    /**
     * The preset {@code preset} of {@code arch}, one of {@link #presetArches()}, over a
     * vocabulary of {@code vocabSize} tokens.
     */
    ModelArchitecture preset(String arch, ModelPreset preset, int vocabSize);

    /**
     * The smallest architecture of this family that still runs every code path the family has
     * (biases, grouped heads, untied head where it has them), over {@code vocabSize} tokens:
     * what the contract test builds and runs.
     */
    ModelArchitecture example(int vocabSize);

    /**
     * The parameter name a checkpoint's tensor {@code storedName} stands for: files of one
     * family may spell a parameter in several ways (GPT-2 with or without {@code transformer.}).
     */
    String canonicalTensorName(String storedName);

    /** Whether a checkpoint tensor is a buffer rather than a parameter (masks, rotary caches). */
    boolean isBuffer(String storedName);

    /** Whether parameter {@code tensorName} is a norm's scale, initialised to {@link #normIdentity()} rather than drawn. */
    boolean isNormScale(String tensorName);

    /**
     * The stored norm scale that leaves a normalised input as it is: 1 for w·x norms, 0 for
     * Gemma's (1 + w)·x. Fresh models start their norm scales there, as transformers does.
     */
    float normIdentity();

    /** The special tokens of this family's tokenizers ({@code init-model}). */
    SpecialTokenStyle specialTokens();

    /**
     * How this family stores its projection weights (every linear layer but the LM head):
     * (out, in) as {@code nn.Linear}, or (in, out) as GPT-2's {@code Conv1D}. LoRA reads it for
     * its layers' in/out sizes and PEFT's {@code fan_in_fan_out}.
     */
    default Linear.Layout projectionLayout() {
        return Linear.Layout.OUT_IN;
    }

    /**
     * The module path of the Hugging Face model object for module {@code module} (a parameter
     * name without {@code .weight}), as PEFT names adapters: the same for most families; GPT-2's
     * body sits under {@code transformer.}.
     */
    default String modulePath(String module) {
        return module;
    }

    /**
     * PEFT's default {@code target_modules} for this family's model types
     * ({@code TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING}): q_proj and v_proj for the
     * Llama-style families.
     */
    default java.util.List<String> defaultLoraTargets() {
        return java.util.List.of("q_proj", "v_proj");
    }
}
