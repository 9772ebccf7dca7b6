package org.dpo4j.trainer.model.gpt2;

import java.util.List;
import org.dpo4j.trainer.model.HfConfigJson;
import org.dpo4j.trainer.model.Linear;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.ModelPreset;
import org.dpo4j.trainer.model.ModelSize;
import org.dpo4j.trainer.model.SpecialTokenStyle;

/** GPT-2 ({@code GPT2LMHeadModel}): {@link Gpt2Config} run by {@link Gpt2Model}. */
final class Gpt2Family implements ModelFamily {

    @Override
    public List<String> modelTypes() {
        return List.of(Gpt2Config.MODEL_TYPE);
    }

    @Override
    public List<String> presetArches() {
        return modelTypes();
    }

    /** Defaults of transformers' {@code GPT2Config}: the 124M model. */
    @Override
    public Gpt2Config readConfig(HfConfigJson json, String modelType, int maxLength) {
        if (json.bool("scale_attn_by_inverse_layer_idx", false)) {
            throw json.fail("scale_attn_by_inverse_layer_idx = true is not supported");
        }
        String activation = json.text("activation_function", "gelu_new");
        if (!Gpt2Config.ACTIVATIONS.contains(activation)) {
            throw json.fail("activation_function '" + activation + "' is not supported; one of "
                    + Gpt2Config.ACTIVATIONS);
        }
        int embd = json.integer("n_embd", 768);
        try {
            return new Gpt2Config(
                    json.integer("vocab_size", 50_257),
                    embd,
                    json.integer("n_layer", 12),
                    json.integer("n_head", 12),
                    json.hasNonNull("n_inner") ? json.integer("n_inner", 0) : 4 * embd,
                    json.integer("n_positions", 1024),
                    json.number("layer_norm_epsilon", 1e-5),
                    activation,
                    json.bool("tie_word_embeddings", true),
                    json.bool("scale_attn_weights", true));
        } catch (IllegalArgumentException e) {
            throw json.fail(e.getMessage());
        }
    }

    /** MLP width 4·d, 1024 positions, {@code gelu_new}, the head tied (GPT-2's defaults). */
    @Override
    public Gpt2Config preset(String arch, ModelPreset preset, int vocabSize) {
        ModelSize s = preset.size();
        return new Gpt2Config(vocabSize, s.hiddenSize(), s.numLayers(), s.numHeads(), 4 * s.hiddenSize(), 1024, 1e-5,
                "gelu_new", true, true);
    }

    /** An untied head and exact GELU besides the tanh form the presets use; 16 positions. */
    @Override
    public Gpt2Config example(int vocabSize) {
        return new Gpt2Config(vocabSize, 32, 2, 4, 64, 16, 1e-5, "gelu", false, true);
    }

    /** Files saved from {@code GPT2LMHeadModel} prefix the body with {@code transformer.}. */
    @Override
    public String canonicalTensorName(String storedName) {
        return Gpt2TensorNames.canonical(storedName);
    }

    /** Conv1D stores (in, out): PEFT's {@code fan_in_fan_out}. */
    @Override
    public Linear.Layout projectionLayout() {
        return Linear.Layout.IN_OUT;
    }

    /** {@code GPT2LMHeadModel} holds the body as {@code transformer}; the head is {@code lm_head}. */
    @Override
    public String modulePath(String module) {
        return module.startsWith("lm_head") ? module : Gpt2TensorNames.MODEL_PREFIX + module;
    }

    /** PEFT's default for {@code gpt2}: the fused q/k/v projection. */
    @Override
    public java.util.List<String> defaultLoraTargets() {
        return java.util.List.of("c_attn");
    }

    @Override
    public boolean isBuffer(String storedName) {
        return Gpt2TensorNames.isBuffer(storedName);
    }

    /** LayerNorm multiplies by its stored weight. */
    @Override
    public float normIdentity() {
        return 1f;
    }

    /** {@code ln_1}, {@code ln_2} and {@code ln_f} scales. */
    @Override
    public boolean isNormScale(String tensorName) {
        return tensorName.matches("(.*\\.)?ln_(1|2|f)\\.weight");
    }

    @Override
    public SpecialTokenStyle specialTokens() {
        return SpecialTokenStyle.GPT2;
    }
}
