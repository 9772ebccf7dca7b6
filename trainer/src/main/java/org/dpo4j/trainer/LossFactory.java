package org.dpo4j.trainer;

import org.dpo4j.losses.DpoSigmoidLoss;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.config.DpoLossConfig;
import org.dpo4j.trainer.config.LossConfig;

/** The loss a {@link LossConfig} names. */
public final class LossFactory {

    private LossFactory() {}

    public static PreferenceLoss create(LossConfig config) {
        if (config instanceof DpoLossConfig dpo) {
            return new DpoSigmoidLoss(dpo.beta());
        }
        throw new IllegalArgumentException("no loss for config " + config);
    }
}
