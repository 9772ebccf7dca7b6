package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A preference loss plus a weighted NLL term on the chosen completions: RPO, as TRL computes it
 * ({@code rpo_alpha} up to 0.28; {@code loss_type=[…, "sft"]} with {@code loss_weights=[1, rpo_alpha]}
 * later). The DPO+NLL objective is from Pang et al. 2024, "Iterative Reasoning Preference
 * Optimization" (arXiv 2404.19733, where the weight sits on the DPO term instead), and Liu et al.
 * 2024, "Provably Mitigating Overoptimization in RLHF: Your SFT Loss is Implicitly an Adversarial
 * Regularizer" (arXiv 2405.16436, "RPO").
 *
 * <pre>
 *   NLL  = −Σ_b pc_b / Σ_b n_b                           token mean over the batch's chosen completions
 *   loss = base.loss + weight·NLL
 * </pre>
 *
 * Per-pair losses, rewards, name, requirements and state are the base loss's (the NLL needs only the
 * policy's chosen log-probs, which every loss has; under LD-DPO the unweighted ones). With base = DPO and weight = {@code rpo_alpha}
 * this is the golden {@code dpo_rpo}. Adds the metric {@code nll_loss} (the batch NLL, repeated per
 * pair) unless the base reports one. The same objective is {@code combined} with terms
 * [base with weight 1, {@code sft} with weight {@code rpo_alpha}] ({@link CombinedLoss}), except that
 * there the per-pair losses include the NLL (TRL 1.x's per-sequence loss).
 *
 * @param base   the preference loss
 * @param weight the NLL weight (TRL's {@code rpo_alpha}), finite and ≥ 0
 */
public record NllRegularized(PreferenceLoss base, double weight) implements PreferenceLoss {

    public NllRegularized {
        Objects.requireNonNull(base, "base");
        LossTerms.checkNonNegative("rpo_alpha", weight);
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
        return base.requirements();
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
        return new NllRegularized(base.atStep(step), weight);
    }

    @Override
    public LossOutput compute(LossInputs in) {
        LossOutput out = base.compute(in);
        NDArray nll = SftLoss.nll(in.chosenForNll());
        Map<String, NDArray> metrics = new LinkedHashMap<>(out.extraMetrics());
        metrics.putIfAbsent("nll_loss", out.pairLosses().onesLike().stopGradient().mul(nll.stopGradient()));
        return new LossOutput(
                out.loss().add(Constants.times(nll, weight)),
                out.pairLosses(),
                out.chosenRewards(),
                out.rejectedRewards(),
                metrics);
    }
}
