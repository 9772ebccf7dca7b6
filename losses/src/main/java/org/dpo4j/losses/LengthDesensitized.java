package org.dpo4j.losses;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A loss trained on LD-DPO's length-weighted sequence log-probs ({@link LengthDesensitization},
 * the {@code ld_alpha} key of every loss). The weighting happens where the sequence log-probs are
 * formed, so this wrapper only asks for it through {@link #requirements()}: its inputs'
 * {@link LossInputs#policyChosen} etc. are already the weighted sums, and the base loss computes on
 * them unchanged (an NLL term reads the unweighted ones, {@link LossInputs#chosenForNll}).
 *
 * @param base    the loss
 * @param weights LD-DPO's α and whether the reference is weighted too
 */
public record LengthDesensitized(PreferenceLoss base, LengthDesensitization weights) implements PreferenceLoss {

    public LengthDesensitized {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(weights, "weights");
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public List<PreferenceLoss> inner() {
        return List.of(base);
    }

    @Override
    public LossRequirements requirements() {
        return base.requirements().withLengthDesensitization(weights);
    }

    @Override
    public boolean pairLossesBelongToPairs() {
        return base.pairLossesBelongToPairs();
    }

    @Override
    public Optional<StatefulLoss> statefulPart() {
        return base.statefulPart();
    }

    @Override
    public PreferenceLoss atStep(long step) {
        return new LengthDesensitized(base.atStep(step), weights);
    }

    @Override
    public LossOutput compute(LossInputs in) {
        return base.compute(in);
    }
}
