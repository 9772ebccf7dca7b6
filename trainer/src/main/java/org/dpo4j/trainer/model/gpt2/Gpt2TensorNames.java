package org.dpo4j.trainer.model.gpt2;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensor names and shapes of a GPT-2 checkpoint, in the hub's original form without the
 * {@code transformer.} prefix ({@code wte.weight}, {@code h.0.attn.c_attn.weight}, ...). GPT-2's
 * Conv1D weights are stored (in, out), the transpose of {@code nn.Linear}.
 */
public final class Gpt2TensorNames {

    public static final String TOKEN_EMBED = "wte.weight";
    public static final String POSITION_EMBED = "wpe.weight";
    public static final String FINAL_NORM = "ln_f";
    public static final String LM_HEAD = "lm_head.weight";

    /** The prefix files saved from {@code GPT2LMHeadModel} put before every body tensor. */
    public static final String MODEL_PREFIX = "transformer.";

    private Gpt2TensorNames() {}

    /** Prefix of block {@code layer}'s tensors, e.g. {@code h.3.}. */
    public static String layer(int layer) {
        return "h." + layer + ".";
    }

    /**
     * The canonical name of a checkpoint tensor: {@code transformer.h.0.ln_1.weight} and
     * {@code h.0.ln_1.weight} are the same parameter.
     */
    public static String canonical(String checkpointName) {
        return checkpointName.startsWith(MODEL_PREFIX) ? checkpointName.substring(MODEL_PREFIX.length()) : checkpointName;
    }

    /**
     * Whether a checkpoint tensor is a buffer, not a parameter: each block's causal-mask
     * {@code attn.bias} and {@code attn.masked_bias}.
     */
    public static boolean isBuffer(String checkpointName) {
        String name = canonical(checkpointName);
        return name.startsWith("h.") && (name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias"));
    }

    /** Every parameter of {@code config}, in checkpoint order. */
    public static Map<String, Shape> shapes(Gpt2Config config) {
        int e = config.hiddenSize();
        int inner = config.innerSize();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(TOKEN_EMBED, new Shape(config.vocabSize(), e));
        shapes.put(POSITION_EMBED, new Shape(config.maxPositions(), e));
        for (int i = 0; i < config.numLayers(); i++) {
            String p = layer(i);
            norm(shapes, p + "ln_1", e);
            conv1d(shapes, p + "attn.c_attn", e, 3 * e);
            conv1d(shapes, p + "attn.c_proj", e, e);
            norm(shapes, p + "ln_2", e);
            conv1d(shapes, p + "mlp.c_fc", e, inner);
            conv1d(shapes, p + "mlp.c_proj", inner, e);
        }
        norm(shapes, FINAL_NORM, e);
        if (!config.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new Shape(config.vocabSize(), e));
        }
        return shapes;
    }

    private static void norm(Map<String, Shape> shapes, String name, int width) {
        shapes.put(name + ".weight", new Shape(width));
        shapes.put(name + ".bias", new Shape(width));
    }

    private static void conv1d(Map<String, Shape> shapes, String name, int in, int out) {
        shapes.put(name + ".weight", new Shape(in, out));
        shapes.put(name + ".bias", new Shape(out));
    }
}
