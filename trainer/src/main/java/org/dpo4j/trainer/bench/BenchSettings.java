package org.dpo4j.trainer.bench;

import java.nio.file.Path;

/**
 * What {@code dpo4j bench} measures besides the run config (which gives the model, the loss, the
 * batch size, the reference mode and the optimizer).
 *
 * @param steps       timed optimizer steps, at least 1
 * @param warmup      untimed optimizer steps before them, at least 0 (the first steps pay for
 *                    lazy allocations and the allocator's growth)
 * @param seqLen      T, tokens per row, at least 2
 * @param threads     libtorch intra-op threads for the run, or null to keep the engine's setting
 * @param matmulSize  n of the n×n fp32 matmul that measures the peak, at least 1
 * @param profile     where to write libtorch's profiler trace (Chrome trace JSON) of one extra step
 *                    run after the timed ones, or null for none; the timed steps are never profiled
 * @param shape       a published model's shape ({@code ModelPresets.SHAPES}, e.g. {@code qwen05})
 *                    to run with random weights instead of the config's model, or null for the
 *                    config's model (its preset or folder)
 */
public record BenchSettings(int steps, int warmup, int seqLen, Integer threads, int matmulSize, Path profile,
        String shape) {

    /** Timed matmuls of the peak measurement; the best one counts. */
    public static final int MATMUL_REPETITIONS = 5;

    /** Settings that run the config's model. */
    public BenchSettings(int steps, int warmup, int seqLen, Integer threads, int matmulSize, Path profile) {
        this(steps, warmup, seqLen, threads, matmulSize, profile, null);
    }

    public BenchSettings {
        if (steps < 1 || warmup < 0 || seqLen < 2 || matmulSize < 1 || (threads != null && threads < 1)) {
            throw new IllegalArgumentException("invalid bench settings: steps " + steps + ", warmup " + warmup
                    + ", seq_len " + seqLen + ", threads " + threads + ", matmul size " + matmulSize);
        }
    }
}
