package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small builders for the model tests: integer matrices, logit slices, edited weights. */
final class TestArrays {

    private TestArrays() {}

    /** An (N, T) int64 array from its rows (ids, masks, positions). */
    static NDArray longs(NDManager manager, long[]... rows) {
        int t = rows[0].length;
        long[] flat = new long[rows.length * t];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * t, t);
        }
        return manager.create(flat, new Shape(rows.length, t));
    }

    /** Positions {@code from} to {@code to − 1} of row {@code row} of (N, T, V) logits, flattened. */
    static float[] positions(NDArray logits, int row, int from, int to) {
        return logits.get(row + ", " + from + ":" + to + ", :").toFloatArray();
    }

    /** A float32 array of N(0, std²) values drawn from {@code seed}. */
    static NDArray gaussian(NDManager manager, Shape shape, double std, long seed) {
        Random random = new Random(seed);
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(values, shape);
    }

    /** {@code base}'s tensors with some replaced or added, sharing the untouched ones. */
    static ModelWeights with(ModelWeights base, Map<String, NDArray> replaced, NDManager manager) {
        Map<String, NDArray> tensors = new LinkedHashMap<>(base.all());
        tensors.putAll(replaced);
        return new ModelWeights(manager.newSubManager(), tensors);
    }

    /** The largest |a − b| over two arrays of the same length. */
    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " vs " + b.length + " values");
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** {@code 0, 1, ..., n − 1}. */
    static long[] range(int n) {
        long[] out = new long[n];
        Arrays.setAll(out, i -> i);
        return out;
    }
}
