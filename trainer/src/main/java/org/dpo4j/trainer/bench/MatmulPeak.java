package org.dpo4j.trainer.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's practical fp32 peak, the denominator of MFU: the best rate of an n×n by n×n
 * float32 matrix product (2·n³ FLOPs) on the engine, in the calling process with its thread
 * settings. Two untimed products warm the allocator and the thread pool first; the best of the
 * timed repetitions is kept, since slower ones measure interference, not the machine.
 */
public final class MatmulPeak {

    /** Untimed products before the timed ones. */
    static final int WARMUP = 2;

    private MatmulPeak() {}

    /**
     * @param manager     where the operands live (their device is the one measured)
     * @param n           the matrix size
     * @param repetitions timed products
     * @return GFLOP/s of the fastest product
     */
    public static double gflops(NDManager manager, int n, int repetitions) {
        double best = Double.POSITIVE_INFINITY;
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.randomNormal(0, 1, new Shape(n, n), DataType.FLOAT32);
            NDArray b = m.randomNormal(0, 1, new Shape(n, n), DataType.FLOAT32);
            for (int i = 0; i < WARMUP + repetitions; i++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    long start = System.nanoTime();
                    NDArray c = a.matMul(b);
                    c.getFloat(0, 0); // reads a value: waits for the product on an asynchronous device
                    long elapsed = System.nanoTime() - start;
                    if (i >= WARMUP) {
                        best = Math.min(best, elapsed / 1e9);
                    }
                }
            }
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
