package org.dpo4j.trainer.bench;

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
 */
public record BenchSettings(int steps, int warmup, int seqLen, Integer threads, int matmulSize) {

    /** Timed matmuls of the peak measurement; the best one counts. */
    public static final int MATMUL_REPETITIONS = 5;

    public BenchSettings {
        if (steps < 1 || warmup < 0 || seqLen < 2 || matmulSize < 1 || (threads != null && threads < 1)) {
            throw new IllegalArgumentException("invalid bench settings: steps " + steps + ", warmup " + warmup
                    + ", seq_len " + seqLen + ", threads " + threads + ", matmul size " + matmulSize);
        }
    }
}
