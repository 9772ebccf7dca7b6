package org.dpo4j.trainer.model;

import java.util.List;

/** Built-in model sizes for runs without a checkpoint and for {@code init-model}. */
public final class ModelPresets {

    public static final List<String> PRESETS = List.of("tiny", "small");
    public static final List<String> ARCHES = List.of("llama", "qwen2", "gpt2");

    private ModelPresets() {}

    /**
     * The preset {@code name} of architecture family {@code arch}.
     *
     * <p>{@code tiny}: 2 layers, d = 128, 4 query heads (over 2 key/value heads for llama and
     * qwen2, so grouped-query attention is exercised), MLP width 344 (SwiGLU) or 512 (GPT-2),
     * about 0.45 M parameters besides the embeddings; trains at tens of steps per second on two
     * CPU cores. {@code small}: about 34 M parameters at V = 8192: 8 layers, d = 512, 8 heads,
     * MLP width 1376 (SwiGLU) or 2048 (GPT-2), untied head for llama and qwen2; the benchmark's
     * workload. qwen2 adds its q/k/v biases and ties the head in {@code tiny} (as Qwen2.5's small
     * models do); gpt2 ties the head (GPT-2's default).
     *
     * @param arch      {@code llama}, {@code qwen2} or {@code gpt2}
     * @param name      {@code tiny} or {@code small}
     * @param vocabSize the tokenizer's vocabulary size
     * @return the architecture
     */
    public static ModelArchitecture of(String arch, String name, int vocabSize) {
        boolean tiny = switch (name) {
            case "tiny" -> true;
            case "small" -> false;
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "'; one of " + PRESETS);
        };
        int d = tiny ? 128 : 512;
        int layers = tiny ? 2 : 8;
        int heads = tiny ? 4 : 8;
        int kvHeads = tiny ? 2 : 8;
        int mlp = tiny ? 344 : 1376;
        return switch (arch) {
            case "llama" -> LlamaConfig.llama(vocabSize, d, layers, heads, kvHeads, mlp, 1e-5, 10_000.0, 2048, false);
            case "qwen2" -> new LlamaConfig(
                    "qwen2", vocabSize, d, layers, heads, kvHeads, d / heads, mlp, 1e-6, 1_000_000.0, 32768, tiny,
                    true, false, false);
            case "gpt2" -> new Gpt2Config(vocabSize, d, layers, heads, 4 * d, 1024, 1e-5, "gelu_new", true, true);
            default -> throw new IllegalArgumentException("unknown model arch '" + arch + "'; one of " + ARCHES);
        };
    }
}
