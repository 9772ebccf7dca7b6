package org.dpo4j.losses;

import java.util.Optional;

/**
 * A preference loss over a batch of (chosen, rejected) pairs. Implementations are small,
 * stateless and numerically stable; each documents its formula with the paper and equation.
 */
public sealed interface PreferenceLoss permits DpoSigmoidLoss,
        FDpoLoss, TdpoLoss, OrpoLoss, NllRegularized, SftLoss,
        RobustDpoLoss, IpoLoss, SigmoidNormLoss, ReferenceFreeDpoLoss, HingeLoss, ExoPairLoss, NcaPairLoss,
        BcoPairLoss, SppoHardLoss, AotLoss, ApoZeroLoss, ApoDownLoss, DiscoPopLoss, HDpoLoss, SimPoLoss, CpoLoss {

    /** The name under which configs select this loss, e.g. {@code dpo}. */
    String name();

    /** What the trainer must compute for {@link #compute}. */
    LossRequirements requirements();

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
     * The part of this loss that carries state from call to call and is saved in training
     * checkpoints ({@link BcoPairLoss}), seen through wrappers; empty for a stateless loss.
     */
    default Optional<StatefulLoss> statefulPart() {
        return Optional.empty();
    }
}
