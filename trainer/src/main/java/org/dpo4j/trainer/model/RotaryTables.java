package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * cos/sin of rotary embeddings in Hugging Face's "rotate half" layout, either shared by all
 * rows, (T, D), or gathered per row, (N, 1, T, D); both broadcast over (N, H, T, D).
 *
 * @param cos cos(angle)
 * @param sin sin(angle)
 */
public record RotaryTables(NDArray cos, NDArray sin) {

    /** Positions 0..T−1 in every row: one (T, D) table pair, no gather. */
    public static RotaryTables sequential(NDManager manager, long seqLen, int headDim, Rope rope) {
        long[] positions = new long[Math.toIntExact(seqLen)];
        for (int p = 0; p < positions.length; p++) {
            positions[p] = p;
        }
        return of(manager, positions, new Shape(seqLen, headDim), headDim, rope);
    }

    /**
     * Per-row positions, one (cos, sin) row per token: the rows of the {@link #sequential} tables
     * for 0..max gathered at the positions, so positions 0..T−1 give bit-identical values. Why a
     * gather: only the (max + 1, D) tables are built in Java and copied in; an (N, T, D) table
     * built in Java would be a direct buffer of that size per forward pass, whose native memory is
     * freed only when the garbage collector gets to it.
     */
    public static RotaryTables at(PositionIds positions, int headDim, Rope rope) {
        NDArray ids = positions.ids();
        Shape s = ids.getShape();
        RotaryTables table = sequential(ids.getManager(), positions.max() + 1, headDim, rope);
        Shape perRow = new Shape(s.get(0), 1, s.get(1), headDim);
        return new RotaryTables(Lookup.rows(table.cos(), ids).reshape(perRow), Lookup.rows(table.sin(), ids).reshape(perRow));
    }

    /**
     * angle(p, i) = p·inv_freq[i] ({@link Rope#inverseFrequencies}: θ^(−2i/D) for i &lt; D/2, then
     * its scaling), duplicated across the two halves of the head. Computed in double in Java,
     * then rounded once to float32.
     *
     * @param positions one position per table row
     * @param shape     the tables' shape, (positions.length · D) values
     */
    private static RotaryTables of(NDManager manager, long[] positions, Shape shape, int headDim, Rope rope) {
        double[] invFreq = rope.inverseFrequencies(headDim);
        float[] cos = new float[Math.toIntExact(positions.length * (long) headDim)];
        float[] sin = new float[cos.length];
        int half = headDim / 2;
        for (int row = 0; row < positions.length; row++) {
            for (int i = 0; i < half; i++) {
                double angle = positions[row] * invFreq[i];
                int at = row * headDim + i;
                cos[at] = cos[at + half] = (float) Math.cos(angle);
                sin[at] = sin[at + half] = (float) Math.sin(angle);
            }
        }
        return new RotaryTables(manager.create(cos, shape), manager.create(sin, shape));
    }

    /** x·cos + rotate_half(x)·sin with rotate_half([a, b]) = [−b, a]; x is (N, H, T, D). */
    public NDArray apply(NDArray x) {
        long d = x.getShape().get(3);
        long half = d / 2;
        NDArray first = x.get(":, :, :, 0:" + half);
        NDArray second = x.get(":, :, :, " + half + ":" + d);
        NDArray rotated = NDArrays.concat(new NDList(second.neg(), first), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
