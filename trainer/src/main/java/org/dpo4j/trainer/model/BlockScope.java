package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Runs one block of work (a layer of a forward pass, one parameter's optimizer update) in its
 * own {@link NDScope} and keeps only the block's output.
 *
 * <p>Why: every op result is a native handle that lives until its scope closes, so without this
 * a step would hold every intermediate array of every layer (projections, attention scores
 * before and after masking, MLP products) until the step ends: about three times what autograd
 * needs; an optimizer step would hold a handful of parameter-sized temporaries per parameter.
 * Closing a handle only drops our reference: the tensors autograd saved for the backward
 * pass stay alive in its graph and are freed by the backward pass itself, as in PyTorch.
 */
public final class BlockScope {

    private BlockScope() {}

    /** {@code block}'s result, moved to the enclosing scope; everything else it made is closed. */
    public static NDArray keepOutput(Supplier<NDArray> block) {
        NDArray output;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            output = block.get();
            NDScope.unregister(output);
        }
        NDScope.register(output);
        return output;
    }

    /** Runs {@code work} (in-place updates) and closes every array it made. */
    public static void run(Runnable work) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            work.run();
        }
    }
}
