package org.dpo4j.trainer.model.gemma3;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelSize;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.Rope;
import org.dpo4j.trainer.model.RopeScaling;
import org.dpo4j.trainer.model.llama.LlamaTensorNames;

/**
 * Hyper-parameters of a Gemma 3 text decoder ({@code Gemma3ForCausalLM}, {@code model_type}
 * gemma3_text), named after its {@code config.json}.
 *
 * @param vocabSize              V
 * @param hiddenSize             d; the embedding is multiplied by float32(√d)
 * @param numLayers              decoder blocks
 * @param numHeads               query heads H
 * @param numKvHeads             key/value heads (must divide H)
 * @param headDim                D
 * @param intermediateSize       the gated MLP's width
 * @param rmsNormEps             ε of every (1 + w) RMSNorm
 * @param queryPreAttnScalar     the scores are q·k / √{@code query_pre_attn_scalar} (not √D)
 * @param slidingWindow          W: a sliding layer's query attends itself and the W − 1 slots before it
 * @param layerTypes             one per layer, sliding or full
 * @param ropeTheta              the full layers' rotary base ({@code rope_theta})
 * @param ropeScaling            the full layers' frequency scaling ({@code rope_scaling})
 * @param ropeLocalBaseFreq      the sliding layers' rotary base (plain RoPE)
 * @param attnLogitSoftcapping   the attention scores' cap, or null for none
 * @param finalLogitSoftcapping  the logits' cap, or null for none
 * @param maxPositions           {@code max_position_embeddings} (informational)
 * @param tieWordEmbeddings      whether the LM head is the (unscaled) embedding matrix
 * @param attentionBias          q, k, v and o projections have a bias
 */
public record Gemma3Config(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        double rmsNormEps,
        int queryPreAttnScalar,
        int slidingWindow,
        List<LayerType> layerTypes,
        double ropeTheta,
        RopeScaling ropeScaling,
        double ropeLocalBaseFreq,
        Double attnLogitSoftcapping,
        Double finalLogitSoftcapping,
        int maxPositions,
        boolean tieWordEmbeddings,
        boolean attentionBias)
        implements ModelArchitecture {

    /** {@code config.json}'s {@code model_type}. */
    public static final String MODEL_TYPE = "gemma3_text";

    /** The family of every Gemma 3 text architecture. */
    public static final ModelFamily FAMILY = new Gemma3Family();

    public Gemma3Config {
        if (numKvHeads <= 0 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    "num_attention_heads " + numHeads + " is not divisible by num_key_value_heads " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head_dim, got " + headDim);
        }
        if (layerTypes.size() != numLayers) {
            throw new IllegalArgumentException("layer_types has " + layerTypes.size() + " entries for "
                    + numLayers + " layers (num_hidden_layers)");
        }
        if (queryPreAttnScalar <= 0) {
            throw new IllegalArgumentException("query_pre_attn_scalar must be positive, got " + queryPreAttnScalar);
        }
        checkCap("attn_logit_softcapping", attnLogitSoftcapping);
        checkCap("final_logit_softcapping", finalLogitSoftcapping);
        layerTypes = List.copyOf(layerTypes);
        Objects.requireNonNull(ropeScaling, "ropeScaling");
    }

    private static void checkCap(String key, Double cap) {
        if (cap != null && !(cap > 0)) {
            throw new IllegalArgumentException(key + " must be positive or null, got " + cap);
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

    /** The rotary embedding of layers of {@code type}. */
    public Rope rope(LayerType type) {
        return type == LayerType.FULL ? new Rope(ropeTheta, ropeScaling) : Rope.plain(ropeLocalBaseFreq);
    }

    /**
     * float32(√d), the factor of the input embedding: transformers multiplies by this constant
     * cast to the weights' compute dtype, float32 here as in a float32 {@code from_pretrained}
     * (a bfloat16 run would round it further, e.g. √3072 to 55.5; dpo4j always computes in float32).
     */
    public float embedScale() {
        return (float) Math.sqrt(hiddenSize);
    }

    @Override
    public int maxSequenceLength() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Map<String, Shape> tensorShapes() {
        return Gemma3TensorNames.shapes(this);
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
     * 9d (four norms' inputs and outputs, o_proj's input) + 3·H·D (rotated queries, repeated keys
     * and values) + 2·(H + KV)·D (the q/k norms' inputs and outputs) + 5I (gate, its GELU's
     * input terms, up, and their product). Soft-capped scores add (T) per head, not per d.
     */
    @Override
    public long savedFloatsPerTokenPerLayer() {
        return 9L * hiddenSize + 3L * numHeads * headDim + 2L * (numHeads + numKvHeads) * headDim
                + 5L * intermediateSize;
    }

    @Override
    public CausalLm forwardPass(ModelWeights weights) {
        return new Gemma3Model(this, weights);
    }

    /**
     * Heads of d / H (at least 2 wide, as rotary tables need), {@code size.groupedKvHeads()}
     * key/value heads when this one groups its queries; the first {@code size.numLayers()} layer
     * types; the scalar, window, bases and caps kept.
     */
    @Override
    public Gemma3Config resized(ModelSize size) {
        int kvHeads = numKvHeads < numHeads ? size.groupedKvHeads() : size.numHeads();
        int n = size.numLayers();
        List<LayerType> types = n <= numLayers ? layerTypes.subList(0, n)
                : LayerType.pattern(n, Math.max(1, LayerType.period(layerTypes)));
        return new Gemma3Config(vocabSize, size.hiddenSize(), n, size.numHeads(), kvHeads,
                size.hiddenSize() / size.numHeads(), size.intermediateSize(), rmsNormEps, queryPreAttnScalar,
                slidingWindow, types, ropeTheta, ropeScaling, ropeLocalBaseFreq, attnLogitSoftcapping,
                finalLogitSoftcapping, maxPositions, tieWordEmbeddings, attentionBias);
    }

    /**
     * The keys of transformers' {@code Gemma3TextConfig}: {@code layer_types} (what 4.53 and later
     * read), and {@code sliding_window_pattern} when the layers follow one (what 4.50–4.52 read).
     */
    @Override
    public Map<String, Object> toHfConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("Gemma3ForCausalLM"));
        c.put("model_type", MODEL_TYPE);
        c.put("vocab_size", vocabSize);
        c.put("hidden_size", hiddenSize);
        c.put("num_hidden_layers", numLayers);
        c.put("num_attention_heads", numHeads);
        c.put("num_key_value_heads", numKvHeads);
        c.put("head_dim", headDim);
        c.put("intermediate_size", intermediateSize);
        c.put("hidden_activation", "gelu_pytorch_tanh");
        c.put("rms_norm_eps", rmsNormEps);
        c.put("query_pre_attn_scalar", queryPreAttnScalar);
        c.put("sliding_window", slidingWindow);
        c.put("layer_types", layerTypes.stream().map(LayerType::hfName).toList());
        int period = LayerType.period(layerTypes);
        if (period > 0) {
            c.put("sliding_window_pattern", period);
        }
        c.put("rope_theta", ropeTheta);
        c.put("rope_scaling", ropeScaling.toHfJson());
        c.put("rope_local_base_freq", ropeLocalBaseFreq);
        c.put("attn_logit_softcapping", attnLogitSoftcapping);
        c.put("final_logit_softcapping", finalLogitSoftcapping);
        c.put("max_position_embeddings", maxPositions);
        c.put("tie_word_embeddings", tieWordEmbeddings);
        c.put("attention_bias", attentionBias);
        c.put("attention_dropout", 0.0);
        c.put("use_bidirectional_attention", false);
        c.put("initializer_range", ModelInitializer.INIT_STD);
        c.put("use_cache", true);
        return c;
    }
}
