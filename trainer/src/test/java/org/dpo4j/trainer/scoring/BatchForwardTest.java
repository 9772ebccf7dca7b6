package org.dpo4j.trainer.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.SharedPromptLayout;
import org.junit.jupiter.api.Test;

/** When {@link BatchForward} shares prompts, and what it shares. */
class BatchForwardTest {

    private static Batch.Tensors tensors(NDManager manager, TokenizedPair... pairs) {
        return new Batcher(0).batch(List.of(pairs)).toTensors(manager);
    }

    @Test
    void completionsThatStartAlikeShareMoreThanThePrompt() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // prompt 3; the completions share their first 2 tokens: the rows share 5.
            // P = 5, C = max(4, 3) − 2 = 2; T = 7: 1·5 + 2·2 = 9 positions of 2·7 = 14
            SharedPromptLayout layout = BatchForward.layout(tensors(manager,
                    new TokenizedPair("a", new int[] {1, 2, 3}, new int[] {4, 5, 6, 7}, new int[] {4, 5, 8})));
            assertNotNull(layout);
            assertEquals(9, layout.positionsComputed());
            assertEquals(14, layout.rowPositions());
        }
    }

    @Test
    void aBatchWhereSharingCostsMoreRunsTheRows() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // pair 0: prompt 6, completions 1; pair 1: prompt 1, completions 6 (first tokens differ).
            // T = 7, P = 6, C = 6: 2·6 + 4·6 = 36 positions against 4·7 = 28
            Batch.Tensors batch = tensors(manager,
                    new TokenizedPair("a", new int[] {1, 2, 3, 4, 5, 6}, new int[] {7}, new int[] {8}),
                    new TokenizedPair("b", new int[] {1}, new int[] {2, 3, 4, 5, 6, 7}, new int[] {3, 3, 4, 5, 6, 7}));
            assertNull(BatchForward.layout(batch));
        }
    }

    @Test
    void rowsThatAreNotRightPaddedRunAsTheyAre() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // a left-padded chosen row: only the row-wise forward reads an arbitrary mask
            Shape shape = new Shape(2, 4);
            Batch.Tensors batch = new Batch.Tensors(
                    manager.create(new long[] {0, 1, 2, 3, 1, 2, 4, 5}, shape),
                    manager.create(new float[] {0, 1, 1, 1, 1, 1, 1, 1}, shape),
                    manager.create(new float[] {0, 0, 0, 1, 0, 0, 1, 1}, shape));
            assertNull(BatchForward.layout(batch));
        }
    }
}
