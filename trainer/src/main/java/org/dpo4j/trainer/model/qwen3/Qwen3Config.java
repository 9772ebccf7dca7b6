package org.dpo4j.trainer.model.qwen3;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.SegmentedBackward;
import org.dpo4j.trainer.model.llama.LlamaBlocks;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelSize;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.Rope;
import org.dpo4j.trainer.model.RopeScaling;
import org.dpo4j.trainer.model.llama.LlamaTensorNames;

/**
 * Hyper-parameters of a Qwen3 decoder ({@code Qwen3ForCausalLM}, {@code model_type} qwen3),
 * named after its {@code config.json}: a Llama-style block whose queries and keys are
 * RMS-normalised per head before the rotary embedding.
 *
 * @param vocabSize         V
 * @param hiddenSize        d
 * @param numLayers         decoder blocks
 * @param numHeads          query heads H
 * @param numKvHeads        key/value heads (must divide H)
 * @param headDim           D ({@code head_dim}, usually not d / H; 128 when the key is missing)
 * @param intermediateSize  SwiGLU width
 * @param rmsNormEps        ε of every RMSNorm, the q/k norms included
 * @param ropeTheta         rotary base θ
 * @param ropeScaling       the rotary frequencies' scaling
 * @param maxPositions      {@code max_position_embeddings} (informational)
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param attentionBias     q, k, v and o projections have a bias ({@code attention_bias})
 */
public record Qwen3Config(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int maxPositions,
        boolean tieWordEmbeddings,
        boolean attentionBias)
        implements LlamaBlocks {

    /** {@code config.json}'s {@code model_type}. */
    public static final String MODEL_TYPE = "qwen3";

    /** The family of every Qwen3 architecture. */
    public static final ModelFamily FAMILY = new Qwen3Family();

    public Qwen3Config {
        if (numKvHeads <= 0 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    "num_attention_heads " + numHeads + " is not divisible by num_key_value_heads " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head_dim, got " + headDim);
        }
        Objects.requireNonNull(ropeScaling, "ropeScaling");
    }

    @Override
    public ModelFamily family() {
        return FAMILY;
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    /** q/k/v carry a bias exactly when {@code attention_bias} is set. */
    @Override
    public boolean qkvBias() {
        return attentionBias;
    }

    /** o_proj carries a bias exactly when {@code attention_bias} is set. */
    @Override
    public boolean outputBias() {
        return attentionBias;
    }

    /** Qwen3's MLP has no biases. */
    @Override
    public boolean mlpBias() {
        return false;
    }

    /** The rotary embedding of every layer. */
    public Rope rope() {
        return new Rope(ropeTheta, ropeScaling);
    }

    @Override
    public int maxSequenceLength() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Map<String, Shape> tensorShapes() {
        return Qwen3TensorNames.shapes(this);
    }

    @Override
    public Set<String> lookupTables() {
        return Set.of(LlamaTensorNames.EMBED);
    }

    @Override
    public String headWeight() {
        return tieWordEmbeddings ? LlamaTensorNames.EMBED : LlamaTensorNames.LM_HEAD;
    }

    /**
     * Llama's 5d + 3·H·D + 5I (two RMSNorms' inputs and outputs and o_proj's input; rotated
     * queries and the repeated keys and values; the SwiGLU's five (·, I) arrays, two when the
     * model is back-propagated in segments, {@link SegmentedBackward#pays}), plus the q/k norms'
     * inputs and outputs, 2·(H + KV)·D.
     */
    @Override
    public long savedFloatsPerTokenPerLayer() {
        return 5L * hiddenSize + 3L * numHeads * headDim
                + SegmentedBackward.savedSwiGluArrays(parameterCount()) * intermediateSize
                + 2L * (numHeads + numKvHeads) * headDim;
    }

    @Override
    public CausalLm forwardPass(ModelWeights weights) {
        return new Qwen3Model(this, weights);
    }

    /** Heads of d / H; {@code size.groupedKvHeads()} key/value heads when this one groups its queries. */
    @Override
    public Qwen3Config resized(ModelSize size) {
        int kvHeads = numKvHeads < numHeads ? size.groupedKvHeads() : size.numHeads();
        return new Qwen3Config(vocabSize, size.hiddenSize(), size.numLayers(), size.numHeads(), kvHeads,
                size.hiddenSize() / size.numHeads(), size.intermediateSize(), rmsNormEps, ropeTheta, ropeScaling,
                maxPositions, tieWordEmbeddings, attentionBias);
    }

    @Override
    public Map<String, Object> toHfConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("Qwen3ForCausalLM"));
        c.put("model_type", MODEL_TYPE);
        c.put("vocab_size", vocabSize);
        c.put("hidden_size", hiddenSize);
        c.put("num_hidden_layers", numLayers);
        c.put("num_attention_heads", numHeads);
        c.put("num_key_value_heads", numKvHeads);
        c.put("head_dim", headDim);
        c.put("intermediate_size", intermediateSize);
        c.put("hidden_act", "silu");
        c.put("rms_norm_eps", rmsNormEps);
        c.put("rope_theta", ropeTheta);
        c.put("rope_scaling", ropeScaling.toHfJson());
        c.put("max_position_embeddings", maxPositions);
        c.put("tie_word_embeddings", tieWordEmbeddings);
        c.put("attention_bias", attentionBias);
        c.put("use_sliding_window", false);
        c.put("sliding_window", null);
        c.put("attention_dropout", 0.0);
        c.put("initializer_range", ModelInitializer.INIT_STD);
        c.put("use_cache", true);
        return c;
    }
}
