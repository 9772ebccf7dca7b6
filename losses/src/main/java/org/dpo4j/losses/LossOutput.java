package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * What a preference loss returns for a batch of B pairs.
 *
 * @param loss            the scalar to back-propagate: mean over pairs of {@code pairLosses},
 *                        plus any auxiliary term the loss adds (e.g. an NLL term), shape ()
 * @param pairLosses      per-pair loss, shape (B)
 * @param chosenRewards   implicit reward of each chosen completion, detached, shape (B)
 * @param rejectedRewards implicit reward of each rejected completion, detached, shape (B)
 * @param extraMetrics    loss-specific per-pair metrics under their TRL-style names
 *                        (e.g. {@code kl/chosen}), each detached, shape (B); may be empty
 */
public record LossOutput(
        NDArray loss,
        NDArray pairLosses,
        NDArray chosenRewards,
        NDArray rejectedRewards,
        Map<String, NDArray> extraMetrics) {

    public LossOutput {
        extraMetrics = Map.copyOf(extraMetrics);
    }
}
