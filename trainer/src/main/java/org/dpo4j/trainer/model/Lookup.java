package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;

/** Row gathers: token embeddings, learned position embeddings, rotary tables. */
public final class Lookup {

    private Lookup() {}

    /**
     * Tables of more elements than this (32 MiB of float32, glibc's largest mmap threshold) get
     * the sparse backward of {@link #rows}; smaller ones the dense one, which is as fast there
     * and whose temporary the allocator reuses step after step.
     */
    static final long SPARSE_BACKWARD_MIN_ELEMENTS = 1L << 23;

    /**
     * {@code table[ids]} through the embedding op. When the table takes a gradient and is large
     * (over {@link #SPARSE_BACKWARD_MIN_ELEMENTS}), its backward is the sparse form (PyTorch's
     * {@code embedding(..., sparse=True)}): the rows read and their upstream gradients, (N·T) ids
     * and (N·T, C) values, which autograd adds into the table's dense gradient in place. Why: the
     * dense form first builds a zero (R, C) gradient and scatters into it, a temporary the size
     * of the table at the end of every backward pass (544 MB for a 151,936 × 896 vocabulary, a
     * fresh mapping each step). Each read row still gets the sum of its positions' gradients;
     * only the order of that sum differs.
     *
     * @param table (R, C)
     * @param ids   (N, T) int64, each in [0, R)
     * @return (N, T, C)
     */
    public static NDArray rows(NDArray table, NDArray ids) {
        return rows(table, ids, SPARSE_BACKWARD_MIN_ELEMENTS);
    }

    /** {@link #rows(NDArray, NDArray)} with the sparse backward above {@code sparseMinElements} (tests). */
    static NDArray rows(NDArray table, NDArray ids, long sparseMinElements) {
        boolean sparse = table.hasGradient() && table.size() > sparseMinElements;
        return table.getNDArrayInternal().embedding(ids, table, sparse ? SparseFormat.COO : SparseFormat.DENSE)
                .singletonOrThrow();
    }
}
