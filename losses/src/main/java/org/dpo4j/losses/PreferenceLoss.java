package org.dpo4j.losses;

import java.util.List;
import java.util.Optional;

/**
 * A preference loss over a batch of (chosen, rejected) pairs. Implementations are small,
 * stateless and numerically stable; each documents its formula with the paper and equation.
 *
 * <p>An open interface rather than a sealed one: nothing dispatches over the implementations
 * (each says what it needs through {@link #requirements()}), so a new loss is its class, its
 * config record and an example config, and the contract tests list the classes to check that
 * none lacks them.
 */
public interface PreferenceLoss {

    /** The name under which configs select this loss, e.g. {@code dpo}. */
    String name();

    /**
     * What the trainer must compute for {@link #compute}; by default the policy's and the
     * reference's sequence log-probs, as DPO needs.
     */
    default LossRequirements requirements() {
        return LossRequirements.POLICY_AND_REFERENCE;
    }

    /**
     * Computes the loss, rewards and metrics of one batch.
     *
     * @param inputs sequence statistics of B pairs
     * @return per-pair losses and rewards, and the scalar to back-propagate
     */
    LossOutput compute(LossInputs inputs);

    /**
     * Whether {@link LossOutput#pairLosses()}{@code [i]} is the loss of pair i, so that it can be
     * reported per pair. False for losses whose terms belong to no single pair (AOT's are by rank).
     */
    default boolean pairLossesBelongToPairs() {
        return true;
    }

    /**
     * The losses this one is built around, for those that wrap or combine others
     * ({@link NllRegularized}, {@link LengthDesensitized}, {@link WpoWeighted}: their base;
     * {@link CombinedLoss}: its terms' losses); empty for a loss of its own.
     */
    default List<PreferenceLoss> inner() {
        return List.of();
    }

    /**
     * This loss as it applies at optimizer step {@code step} (0-based): itself for every loss whose
     * hyper-parameters do not follow a schedule ({@link WrpoLoss}'s α ramps up); wrappers forward it.
     */
    default PreferenceLoss atStep(long step) {
        return this;
    }

    /**
     * The part of this loss that carries state from call to call and is saved in training
     * checkpoints ({@link BcoPairLoss}), seen through wrappers; empty for a stateless loss.
     */
    default Optional<StatefulLoss> statefulPart() {
        return Optional.empty();
    }
}
