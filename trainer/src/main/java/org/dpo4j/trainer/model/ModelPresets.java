package org.dpo4j.trainer.model;

/** Built-in model sizes for runs without a checkpoint. */
public final class ModelPresets {

    private ModelPresets() {}

    /**
     * The preset called {@code name}.
     *
     * <p>{@code tiny}: 2 layers, d = 128, 4 query heads over 2 key/value heads (so grouped-query
     * attention is exercised), SwiGLU width 344, about 0.45 M parameters; trains at tens of steps
     * per second on two CPU cores.
     *
     * @param name      preset name
     * @param vocabSize the tokenizer's vocabulary size
     * @return the architecture
     */
    public static LlamaConfig llama(String name, int vocabSize) {
        return switch (name) {
            case "tiny" -> new LlamaConfig(vocabSize, 128, 2, 4, 2, 344, 1e-5, 10_000.0, 512, false);
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "'");
        };
    }
}
