package org.dpo4j.trainer.model.qwen3;

import static org.dpo4j.trainer.model.llama.LlamaTensorNames.EMBED;
import static org.dpo4j.trainer.model.llama.LlamaTensorNames.FINAL_NORM;
import static org.dpo4j.trainer.model.llama.LlamaTensorNames.LM_HEAD;
import static org.dpo4j.trainer.model.llama.LlamaTensorNames.layer;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hugging Face tensor names and shapes of a Qwen3 checkpoint. Linear weights are (out, in).
 * The names of the embedding, final norm, head and block prefix are Llama's
 * ({@link org.dpo4j.trainer.model.llama.LlamaTensorNames}).
 */
public final class Qwen3TensorNames {

    private Qwen3TensorNames() {}

    /** Every parameter of {@code config}, in checkpoint order; q_norm and k_norm are (D). */
    public static Map<String, Shape> shapes(Qwen3Config config) {
        int d = config.hiddenSize();
        int qWidth = config.numHeads() * config.headDim();
        int kvWidth = config.numKvHeads() * config.headDim();
        int mlp = config.intermediateSize();
        boolean bias = config.attentionBias();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(EMBED, new Shape(config.vocabSize(), d));
        for (int i = 0; i < config.numLayers(); i++) {
            String p = layer(i);
            shapes.put(p + "input_layernorm.weight", new Shape(d));
            linear(shapes, p + "self_attn.q_proj", qWidth, d, bias);
            linear(shapes, p + "self_attn.k_proj", kvWidth, d, bias);
            linear(shapes, p + "self_attn.v_proj", kvWidth, d, bias);
            linear(shapes, p + "self_attn.o_proj", d, qWidth, bias);
            shapes.put(p + "self_attn.q_norm.weight", new Shape(config.headDim()));
            shapes.put(p + "self_attn.k_norm.weight", new Shape(config.headDim()));
            shapes.put(p + "post_attention_layernorm.weight", new Shape(d));
            linear(shapes, p + "mlp.gate_proj", mlp, d, false);
            linear(shapes, p + "mlp.up_proj", mlp, d, false);
            linear(shapes, p + "mlp.down_proj", d, mlp, false);
        }
        shapes.put(FINAL_NORM, new Shape(d));
        if (!config.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new Shape(config.vocabSize(), d));
        }
        return shapes;
    }

    private static void linear(Map<String, Shape> shapes, String name, int out, int in, boolean bias) {
        shapes.put(name + ".weight", new Shape(out, in));
        if (bias) {
            shapes.put(name + ".bias", new Shape(out));
        }
    }
}
