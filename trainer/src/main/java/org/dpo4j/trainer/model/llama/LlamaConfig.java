package org.dpo4j.trainer.model.llama;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.SegmentedBackward;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelSize;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.Rope;
import org.dpo4j.trainer.model.RopeScaling;

/**
 * Hyper-parameters of a Llama-family decoder (Llama, Mistral, Qwen2, SmolLM, TinyLlama), named
 * after Hugging Face's {@code config.json}.
 *
 * @param modelType         {@code llama}, {@code mistral} or {@code qwen2}
 * @param vocabSize         V, rows of the embedding and of the LM head
 * @param hiddenSize        d, the residual width
 * @param numLayers         decoder blocks
 * @param numHeads          query heads H
 * @param numKvHeads        key/value heads (grouped-query attention when &lt; H; must divide H)
 * @param headDim           D, the size of one head; q has width H·D, k and v KV·D
 * @param intermediateSize  SwiGLU width
 * @param rmsNormEps        ε inside RMSNorm
 * @param ropeTheta         rotary base θ
 * @param maxPositions      {@code max_position_embeddings} (informational for rotary models)
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param qkvBias           q_proj, k_proj and v_proj have a bias (Qwen2 always; Llama with
 *                          {@code attention_bias})
 * @param outputBias        o_proj has a bias (Llama with {@code attention_bias}; never Qwen2)
 * @param mlpBias           gate_proj, up_proj and down_proj have a bias ({@code mlp_bias})
 * @param ropeScaling       how the rotary frequencies are rescaled ({@code rope_scaling}:
 *                          none, {@code linear} or {@code llama3})
 */
public record LlamaConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        double rmsNormEps,
        double ropeTheta,
        int maxPositions,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        boolean outputBias,
        boolean mlpBias,
        RopeScaling ropeScaling)
        implements LlamaBlocks {

    /** The model types this record describes. */
    public static final List<String> MODEL_TYPES = LlamaVariant.modelTypes();

    /** The family of every Llama-style architecture. */
    public static final ModelFamily FAMILY = new LlamaFamily();

    public LlamaConfig {
        LlamaVariant.of(modelType); // refuses a model_type this family does not read
        if (numKvHeads <= 0 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    "num_attention_heads " + numHeads + " is not divisible by num_key_value_heads " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head_dim, got " + headDim);
        }
        Objects.requireNonNull(ropeScaling, "ropeScaling");
    }

    /** Plain rotary embeddings (no {@code rope_scaling}). */
    public LlamaConfig(String modelType, int vocabSize, int hiddenSize, int numLayers, int numHeads, int numKvHeads,
            int headDim, int intermediateSize, double rmsNormEps, double ropeTheta, int maxPositions,
            boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias, boolean mlpBias) {
        this(modelType, vocabSize, hiddenSize, numLayers, numHeads, numKvHeads, headDim, intermediateSize, rmsNormEps,
                ropeTheta, maxPositions, tieWordEmbeddings, qkvBias, outputBias, mlpBias, new RopeScaling.Plain());
    }

    /** The rotary embedding of every layer: base θ and the scaling. */
    public Rope rope() {
        return new Rope(ropeTheta, ropeScaling);
    }

    /**
     * A plain Llama without biases, head size d / H.
     */
    public static LlamaConfig llama(
            int vocabSize, int hiddenSize, int numLayers, int numHeads, int numKvHeads, int intermediateSize,
            double rmsNormEps, double ropeTheta, int maxPositions, boolean tieWordEmbeddings) {
        return new LlamaConfig("llama", vocabSize, hiddenSize, numLayers, numHeads, numKvHeads,
                hiddenSize / numHeads, intermediateSize, rmsNormEps, ropeTheta, maxPositions, tieWordEmbeddings,
                false, false, false);
    }

    @Override
    public ModelFamily family() {
        return FAMILY;
    }

    @Override
    public int maxSequenceLength() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Map<String, Shape> tensorShapes() {
        return LlamaTensorNames.shapes(this);
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
     * 5d (two RMSNorms' inputs and normalised outputs, the attention output projection's input)
     * + 3·H·D (the rotated queries and the keys and values repeated to H heads, the attention
     * matmuls' inputs) + 5I (gate, its sigmoid, SiLU, up, and their product), or 2I for a model
     * large enough to be back-propagated in segments ({@link SegmentedBackward#pays}: gate and
     * up, kept for the SwiGLU's hand-made gradient; the product is recomputed for down_proj's
     * gradients, 3I when down_proj must stay in the graph under float16 or LoRA dropout).
     */
    @Override
    public long savedFloatsPerTokenPerLayer() {
        return 5L * hiddenSize + 3L * numHeads * headDim
                + SegmentedBackward.savedSwiGluArrays(parameterCount()) * intermediateSize;
    }

    @Override
    public CausalLm forwardPass(ModelWeights weights) {
        return new LlamaModel(this, weights);
    }

    /**
     * Heads of d / H; {@code size.groupedKvHeads()} key/value heads when this architecture groups
     * its queries, else one per query head.
     */
    @Override
    public LlamaConfig resized(ModelSize size) {
        int kvHeads = numKvHeads < numHeads ? size.groupedKvHeads() : size.numHeads();
        return new LlamaConfig(modelType, vocabSize, size.hiddenSize(), size.numLayers(), size.numHeads(), kvHeads,
                size.hiddenSize() / size.numHeads(), size.intermediateSize(), rmsNormEps, ropeTheta, maxPositions,
                tieWordEmbeddings, qkvBias, outputBias, mlpBias, ropeScaling);
    }

    @Override
    public Map<String, Object> toHfConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        LlamaVariant variant = LlamaVariant.of(modelType);
        c.put("architectures", List.of(variant.hfClass()));
        c.put("model_type", modelType);
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
        variant.putOwnKeys(c, this);
        c.put("attention_dropout", 0.0);
        c.put("initializer_range", ModelInitializer.INIT_STD);
        c.put("use_cache", true);
        return c;
    }
}
