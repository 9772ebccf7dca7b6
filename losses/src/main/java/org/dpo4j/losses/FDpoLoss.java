package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * f-DPO: DPO under an f-divergence constraint (Wang et al. 2023, "Beyond Reverse KL: Generalizing
 * Direct Preference Optimization with Diverse Divergence Constraints", arXiv 2309.16240, Theorem 1
 * and the f-DPO objective; f' from its Table 1; TRL's {@code f_divergence_type}).
 *
 * <pre>
 *   sc = log π(y_w|x) − log π_ref(y_w|x),   sr = log π(y_l|x) − log π_ref(y_l|x)   (summed)
 *   z      = ψ(sc) − ψ(sr)                  ψ(s) = f'(e^s) up to a constant ({@link Divergence#score})
 *   loss   = −log σ(β·z) = softplus(−β·z)
 *   reward = β·sc, β·sr                     (detached, as in TRL)
 * </pre>
 *
 * With {@link ReverseKl} (ψ(s) = s) this performs DPO's operations on the same arrays and equals
 * {@link DpoSigmoidLoss} bit for bit. Scores are overflow-safe ({@link ExpClamp}); the softplus is
 * finite for any finite z.
 *
 * @param beta       β > 0 (TRL default 0.1)
 * @param divergence the constraint, e.g. {@code DivergenceKind.JS.create(0)}
 */
public record FDpoLoss(double beta, Divergence divergence) implements PreferenceLoss {

    public FDpoLoss {
        LossTerms.checkBeta(beta);
        Objects.requireNonNull(divergence, "divergence");
    }

    @Override
    public String name() {
        return "fdpo";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LogRatios r = LogRatios.of(in, beta);
        NDArray z = divergence.score(r.chosen()).sub(divergence.score(r.rejected()));
        return r.output(LossTerms.smoothedLogistic(z.mul(r.beta()), 0));
    }
}
