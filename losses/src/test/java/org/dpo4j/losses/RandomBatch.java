package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Seeded random logits, token ids and loss masks (rows: [prompt][completion][padding]). */
record RandomBatch(int n, int t, int v, double[] logits, long[] ids, long[] mask) {

    /**
     * @param promptLength first scored token position in every row (mask is 0 before it)
     * @param completion   scored tokens per row; row r is scored at [promptLength, promptLength + completion[r])
     */
    static RandomBatch of(long seed, int t, int v, int promptLength, int... completion) {
        Random random = new Random(seed);
        int n = completion.length;
        double[] logits = new double[n * t * v];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = 3 * random.nextGaussian();
        }
        long[] ids = new long[n * t];
        long[] mask = new long[n * t];
        for (int r = 0; r < n; r++) {
            for (int p = 0; p < t; p++) {
                ids[r * t + p] = random.nextInt(v);
                mask[r * t + p] = p >= promptLength && p < promptLength + completion[r] ? 1 : 0;
            }
        }
        return new RandomBatch(n, t, v, logits, ids, mask);
    }

    NDArray logits(NDManager manager, DataType type) {
        return manager.create(logits, new Shape(n, t, v)).toType(type, false);
    }

    NDArray ids(NDManager manager) {
        return manager.create(ids, new Shape(n, t));
    }

    NDArray mask(NDManager manager) {
        return manager.create(mask, new Shape(n, t));
    }

    boolean scored(int row, int position) {
        return mask[row * t + position] == 1;
    }
}
