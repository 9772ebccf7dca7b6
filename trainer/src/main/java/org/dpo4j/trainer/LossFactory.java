package org.dpo4j.trainer;

import org.dpo4j.losses.AotLoss;
import org.dpo4j.losses.ApoDownLoss;
import org.dpo4j.losses.ApoZeroLoss;
import org.dpo4j.losses.BcoPairLoss;
import org.dpo4j.losses.CpoLoss;
import org.dpo4j.losses.DiscoPopLoss;
import org.dpo4j.losses.Divergence;
import org.dpo4j.losses.DpoSigmoidLoss;
import org.dpo4j.losses.ExoPairLoss;
import org.dpo4j.losses.FDpoLoss;
import org.dpo4j.losses.HDpoLoss;
import org.dpo4j.losses.HingeLoss;
import org.dpo4j.losses.IpoLoss;
import org.dpo4j.losses.NcaPairLoss;
import org.dpo4j.losses.NllRegularized;
import org.dpo4j.losses.OrpoLoss;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.ReferenceFreeDpoLoss;
import org.dpo4j.losses.RobustDpoLoss;
import org.dpo4j.losses.SftLoss;
import org.dpo4j.losses.SigmoidNormLoss;
import org.dpo4j.losses.SimPoLoss;
import org.dpo4j.losses.SppoHardLoss;
import org.dpo4j.losses.TdpoLoss;
import org.dpo4j.losses.TdpoVariant;
import org.dpo4j.trainer.config.BcoPairLossConfig;
import org.dpo4j.trainer.config.BetaLossConfig;
import org.dpo4j.trainer.config.CpoLossConfig;
import org.dpo4j.trainer.config.DiscoPopLossConfig;
import org.dpo4j.trainer.config.FDpoLossConfig;
import org.dpo4j.trainer.config.HDpoLossConfig;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.SftLossConfig;
import org.dpo4j.trainer.config.SimPoLossConfig;
import org.dpo4j.trainer.config.SmoothedLossConfig;
import org.dpo4j.trainer.config.TdpoLossConfig;

/** The loss a {@link LossConfig} names, with the RPO term added when {@code rpo_alpha} is set. */
public final class LossFactory {

    private LossFactory() {}

    public static PreferenceLoss create(LossConfig config) {
        PreferenceLoss loss = base(config);
        Double rpoAlpha = config.rpoAlpha();
        return rpoAlpha == null ? loss : new NllRegularized(loss, rpoAlpha);
    }

    private static PreferenceLoss base(LossConfig config) {
        if (config instanceof SmoothedLossConfig c) {
            return smoothed(c);
        }
        if (config instanceof BetaLossConfig c) {
            return betaOnly(c);
        }
        if (config instanceof BcoPairLossConfig c) {
            return new BcoPairLoss(c.beta(), c.delta().equals("zero") ? BcoPairLoss.BcoDelta.ZERO : BcoPairLoss.BcoDelta.RUNNING_MEAN);
        }
        if (config instanceof DiscoPopLossConfig c) {
            return new DiscoPopLoss(c.beta(), c.tau());
        }
        if (config instanceof HDpoLossConfig c) {
            return new HDpoLoss(c.beta(), c.alpha());
        }
        if (config instanceof SimPoLossConfig c) {
            return new SimPoLoss(c.beta(), c.gamma(), c.labelSmoothing());
        }
        if (config instanceof CpoLossConfig c) {
            return new CpoLoss(c.beta(), c.labelSmoothing(), c.cpoAlpha());
        }
        if (config instanceof FDpoLossConfig c) {
            return new FDpoLoss(c.beta(), Divergence.named(c.divergence(), c.alpha()));
        }
        if (config instanceof TdpoLossConfig c) {
            TdpoVariant variant = c.variant().equals("tdpo1") ? TdpoVariant.TDPO1 : TdpoVariant.TDPO2;
            return new TdpoLoss(c.beta(), c.alpha(), variant, Divergence.named(c.tokenDivergence(), c.tokenDivergenceAlpha()));
        }
        if (config instanceof SftLossConfig) {
            return new SftLoss();
        }
        throw new IllegalArgumentException("no loss for config " + config);
    }

    private static PreferenceLoss smoothed(SmoothedLossConfig c) {
        return switch (c.type()) {
            case "dpo" -> new DpoSigmoidLoss(c.beta(), c.labelSmoothing());
            case "robust" -> new RobustDpoLoss(c.beta(), c.labelSmoothing());
            case "exo_pair" -> new ExoPairLoss(c.beta(), c.labelSmoothing());
            case "aot" -> new AotLoss(c.beta(), c.labelSmoothing(), false);
            case "aot_pair" -> new AotLoss(c.beta(), c.labelSmoothing(), true);
            default -> throw new IllegalArgumentException("no loss type " + c.type());
        };
    }

    private static PreferenceLoss betaOnly(BetaLossConfig c) {
        double beta = c.beta();
        return switch (c.type()) {
            case "ipo" -> new IpoLoss(beta, true);
            case "ipo_sum" -> new IpoLoss(beta, false);
            case "sigmoid_norm" -> new SigmoidNormLoss(beta);
            case "dpo_reference_free" -> new ReferenceFreeDpoLoss(beta);
            case "hinge" -> new HingeLoss(beta);
            case "nca_pair" -> new NcaPairLoss(beta);
            case "sppo_hard" -> new SppoHardLoss(beta);
            case "apo_zero" -> new ApoZeroLoss(beta);
            case "apo_down" -> new ApoDownLoss(beta);
            case "orpo" -> new OrpoLoss(beta);
            default -> throw new IllegalArgumentException("no loss type " + c.type());
        };
    }
}
