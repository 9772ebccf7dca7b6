package org.dpo4j.trainer.model;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Hugging Face tensor names and shapes of a Llama checkpoint. Linear weights are (out, in). */
public final class LlamaTensorNames {

    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private LlamaTensorNames() {}

    /** Prefix of block {@code layer}'s tensors, e.g. {@code model.layers.3.}. */
    public static String layer(int layer) {
        return "model.layers." + layer + ".";
    }

    /** Every tensor of {@code config}, in checkpoint order. */
    public static Map<String, Shape> shapes(LlamaConfig config) {
        int d = config.hiddenSize();
        int qWidth = config.numHeads() * config.headDim();
        int kvWidth = config.numKvHeads() * config.headDim();
        int mlp = config.intermediateSize();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(EMBED, new Shape(config.vocabSize(), d));
        for (int i = 0; i < config.numLayers(); i++) {
            String p = layer(i);
            shapes.put(p + "input_layernorm.weight", new Shape(d));
            shapes.put(p + "self_attn.q_proj.weight", new Shape(qWidth, d));
            shapes.put(p + "self_attn.k_proj.weight", new Shape(kvWidth, d));
            shapes.put(p + "self_attn.v_proj.weight", new Shape(kvWidth, d));
            shapes.put(p + "self_attn.o_proj.weight", new Shape(d, qWidth));
            shapes.put(p + "post_attention_layernorm.weight", new Shape(d));
            shapes.put(p + "mlp.gate_proj.weight", new Shape(mlp, d));
            shapes.put(p + "mlp.up_proj.weight", new Shape(mlp, d));
            shapes.put(p + "mlp.down_proj.weight", new Shape(d, mlp));
        }
        shapes.put(FINAL_NORM, new Shape(d));
        if (!config.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new Shape(config.vocabSize(), d));
        }
        return shapes;
    }
}
