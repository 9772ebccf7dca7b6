package org.dpo4j.losses;

/**
 * SPPO with hard labels, from Wu et al. 2024, "Self-Play Preference Optimization for Language
 * Model Alignment" (arXiv 2405.00675): each log-ratio is regressed separately onto ±1/(2β), the
 * chosen completion winning with probability 1 and the rejected one with probability 0 (TRL
 * {@code loss_type="sppo_hard"}).
 *
 * <pre>
 *   sc     = log π(y_w|x) − log π_ref(y_w|x),   sr = log π(y_l|x) − log π_ref(y_l|x)   (sums)
 *   loss   = (sc − 1/(2β))² + (sr + 1/(2β))²
 *   reward = β·sc, β·sr                               (detached)
 * </pre>
 *
 * (The paper's loss is (log(π/π_ref) − η(P̂ − ½))²; with P̂ ∈ {1, 0} and η = 1/β it is this.)
 *
 * @param beta β > 0 (TRL default 0.1)
 */
public record SppoHardLoss(double beta) implements PreferenceLoss {

    public SppoHardLoss {
        LossTerms.checkBeta(beta);
    }

    @Override
    public String name() {
        return "sppo_hard";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        double target = 1 / (2 * beta);
        return r.output(r.chosen().sub(target).square().add(r.rejected().add(target).square()));
    }
}
