package org.dpo4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.dpo4j.trainer.model.BlockScope;

/**
 * One AdamW update's four tensors (θ, g, m, v, of one shape) whole, or in slices of whole rows
 * along the first axis: views that share the tensors' storage, so in-place work on them updates
 * the tensors themselves.
 */
final class RowSlices {

    /** The update of four tensors of one shape, or of four views of the same rows of them. */
    @FunctionalInterface
    interface Update {
        void apply(NDArray p, NDArray g, NDArray m, NDArray v);
    }

    private RowSlices() {}

    /**
     * Applies {@code update} to the tensors whole when they have no axis or at most
     * {@code maxElements} elements, else to views of as many whole rows as fit in
     * {@code maxElements} (at least one row), each in its own scope.
     */
    static void forEach(NDArray p, NDArray g, NDArray m, NDArray v, long maxElements, Update update) {
        long rows = p.getShape().dimension() == 0 ? 1 : p.getShape().get(0);
        long rowElements = Math.max(1, p.size() / Math.max(1, rows));
        long rowsPerSlice = Math.max(1, maxElements / rowElements);
        if (p.getShape().dimension() == 0 || rowsPerSlice >= rows) {
            update.apply(p, g, m, v);
            return;
        }
        for (long start = 0; start < rows; start += rowsPerSlice) {
            long from = start;
            long to = Math.min(rows, start + rowsPerSlice);
            BlockScope.run(() -> update.apply(view(p, from, to), view(g, from, to), view(m, from, to), view(v, from, to)));
        }
    }

    private static NDArray view(NDArray array, long from, long to) {
        return JniUtils.slice((PtNDArray) array, 0, from, to, 1);
    }
}
