package org.dpo4j.trainer.model;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hyper-parameters of GPT-2 ({@code GPT2LMHeadModel}), named after its {@code config.json}
 * ({@code n_embd}, {@code n_layer}, {@code n_head}, {@code n_inner}, {@code n_positions}).
 *
 * @param vocabSize         V
 * @param hiddenSize        E = {@code n_embd}
 * @param numLayers         {@code n_layer}
 * @param numHeads          {@code n_head}; head size E / H
 * @param innerSize         MLP width, {@code n_inner} (null in config.json means 4·E)
 * @param maxPositions      {@code n_positions}, rows of the learned position embedding: a hard limit
 * @param layerNormEps      {@code layer_norm_epsilon}
 * @param activation        {@code activation_function}: {@code gelu_new} (tanh approximation),
 *                          {@code gelu} (exact erf) or {@code relu}
 * @param tieWordEmbeddings the LM head is {@code wte} (GPT-2's default)
 * @param scaleAttnWeights  scores are divided by sqrt(head size) ({@code scale_attn_weights})
 */
public record Gpt2Config(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int innerSize,
        int maxPositions,
        double layerNormEps,
        String activation,
        boolean tieWordEmbeddings,
        boolean scaleAttnWeights)
        implements ModelArchitecture {

    /** The activation functions the forward pass implements. */
    public static final List<String> ACTIVATIONS = List.of("gelu_new", "gelu", "relu");

    public Gpt2Config {
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("n_embd " + hiddenSize + " is not divisible by n_head " + numHeads);
        }
        if (!ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException("activation_function " + activation + " is not one of " + ACTIVATIONS);
        }
    }

    @Override
    public String modelType() {
        return "gpt2";
    }

    /** The size of one head, E / H. */
    public int headDim() {
        return hiddenSize / numHeads;
    }

    @Override
    public int maxSequenceLength() {
        return maxPositions;
    }

    @Override
    public Map<String, Shape> tensorShapes() {
        return Gpt2TensorNames.shapes(this);
    }

    @Override
    public Map<String, Object> toHfConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("GPT2LMHeadModel"));
        c.put("model_type", "gpt2");
        c.put("vocab_size", vocabSize);
        c.put("n_embd", hiddenSize);
        c.put("n_layer", numLayers);
        c.put("n_head", numHeads);
        c.put("n_inner", innerSize);
        c.put("n_positions", maxPositions);
        c.put("n_ctx", maxPositions);
        c.put("layer_norm_epsilon", layerNormEps);
        c.put("activation_function", activation);
        c.put("tie_word_embeddings", tieWordEmbeddings);
        c.put("scale_attn_weights", scaleAttnWeights);
        c.put("scale_attn_by_inverse_layer_idx", false);
        c.put("reorder_and_upcast_attn", false);
        c.put("attn_pdrop", 0.0);
        c.put("embd_pdrop", 0.0);
        c.put("resid_pdrop", 0.0);
        c.put("initializer_range", ModelInitializer.INIT_STD);
        c.put("use_cache", true);
        return c;
    }
}
