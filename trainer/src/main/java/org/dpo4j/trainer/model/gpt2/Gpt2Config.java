package org.dpo4j.trainer.model.gpt2;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelSize;
import org.dpo4j.trainer.model.ModelWeights;

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

    /** The model type of every GPT-2 {@code config.json}. */
    public static final String MODEL_TYPE = "gpt2";

    /** The GPT-2 family. */
    public static final ModelFamily FAMILY = new Gpt2Family();

    public Gpt2Config {
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("n_embd " + hiddenSize + " is not divisible by n_head " + numHeads);
        }
        if (!ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException("activation_function " + activation + " is not one of " + ACTIVATIONS);
        }
    }

    @Override
    public ModelFamily family() {
        return FAMILY;
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    /** The size of one head, E / H. */
    @Override
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
    public Set<String> lookupTables() {
        return Set.of(Gpt2TensorNames.TOKEN_EMBED, Gpt2TensorNames.POSITION_EMBED);
    }

    @Override
    public String headWeight() {
        return tieWordEmbeddings ? Gpt2TensorNames.TOKEN_EMBED : Gpt2TensorNames.LM_HEAD;
    }

    /**
     * 8E (two LayerNorms' inputs and outputs, q, k, v and the context) + 5I (the first
     * projection's output, three of GELU's tanh approximation's intermediates, and the second
     * projection's input).
     */
    @Override
    public long savedFloatsPerTokenPerLayer() {
        return 8L * hiddenSize + 5L * innerSize;
    }

    @Override
    public CausalLm forwardPass(ModelWeights weights) {
        return new Gpt2Model(this, weights);
    }

    /** GPT-2's MLP is 4·E wide whatever {@code size} says; its heads are all key/value heads. */
    @Override
    public Gpt2Config resized(ModelSize size) {
        return new Gpt2Config(vocabSize, size.hiddenSize(), size.numLayers(), size.numHeads(), 4 * size.hiddenSize(),
                maxPositions, layerNormEps, activation, tieWordEmbeddings, scaleAttnWeights);
    }

    @Override
    public Map<String, Object> toHfConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("GPT2LMHeadModel"));
        c.put("model_type", MODEL_TYPE);
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
