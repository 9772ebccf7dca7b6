package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * WPO's weighting of a loss's pairs by the policy's own probability of them (Zhou et al. 2024,
 * "WPO: Enhancing RLHF with Weighted Preference Optimization", arXiv 2406.11827, Eq. 2, in TRL's
 * current form, {@code use_weighting}): each pair's loss is multiplied by w_c·w_r before the batch
 * mean, with
 *
 * <pre>
 *   log w = (1/max(n, 1))·Σ_t (log π(y_t|·) − log Σ_v π(v|·)²)     ({@link SequenceStats#wpoLogWeights})
 *   w_c·w_r = exp(log w_c + log w_r)                                (a constant: no gradient)
 *   loss = base.loss − mean_b(L[b]) + mean_b(w_c[b]·w_r[b]·L[b])
 * </pre>
 *
 * i.e. the per-pair part of the base loss is weighted, and any batch-level term the base adds beside
 * its pair losses (an RPO NLL) is left as it is. For a combined loss this weighs every term
 * (TRL multiplies each type's per-sequence loss). Rewards are the base's (unweighted). Metric:
 * {@code wpo/pair_weight}.
 *
 * @param base the loss whose pairs are weighted
 */
public record WpoWeighted(PreferenceLoss base) implements PreferenceLoss {

    public WpoWeighted {
        Objects.requireNonNull(base, "base");
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
        return base.requirements().withPairWeights();
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
        return new WpoWeighted(base.atStep(step));
    }

    @Override
    public LossOutput compute(LossInputs in) {
        NDArray chosen = Objects.requireNonNull(in.chosenLogWeights(), "WPO needs LossInputs.chosenLogWeights");
        NDArray rejected = Objects.requireNonNull(in.rejectedLogWeights(), "WPO needs LossInputs.rejectedLogWeights");
        LossOutput out = base.compute(in);
        NDArray pairWeight = chosen.add(rejected).stopGradient().exp();
        NDArray weighted = out.pairLosses().mul(pairWeight);
        NDArray batchTerms = out.loss().sub(out.pairLosses().mean());
        Map<String, NDArray> metrics = new LinkedHashMap<>(out.extraMetrics());
        metrics.put("wpo/pair_weight", pairWeight);
        return new LossOutput(batchTerms.add(weighted.mean()), weighted, out.chosenRewards(), out.rejectedRewards(),
                metrics);
    }
}
