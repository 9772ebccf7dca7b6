package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;

/** Row gathers: token embeddings, learned position embeddings, rotary tables. */
public final class Lookup {

    private Lookup() {}

    /**
     * {@code table[ids]} through the embedding op, whose backward scatters into the table (a
     * gradient reaches only the rows that were read).
     *
     * @param table (R, C)
     * @param ids   (N, T) int64, each in [0, R)
     * @return (N, T, C)
     */
    public static NDArray rows(NDArray table, NDArray ids) {
        return table.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }
}
