package org.dpo4j.trainer;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.losses.Divergence;
import org.dpo4j.losses.LossInputs;
import org.dpo4j.losses.NllRegularized;
import org.dpo4j.losses.TdpoLoss;
import org.dpo4j.trainer.config.TdpoLossConfig;
import org.dpo4j.losses.LossOutput;
import org.dpo4j.losses.LossRequirements;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.SequenceLogProbs;
import org.dpo4j.losses.SequenceStats;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.CausalLm;

/**
 * Scores a batch: policy and (when the loss needs it) reference forward passes, sequence
 * log-probs, the loss, and the batch's metrics. All arrays live in the caller's scope.
 */
final class PreferenceScorer {

    private final CausalLm policy;
    private final ReferenceSource reference;
    private final PreferenceLoss loss;

    /** A scorer with a live reference model. */
    PreferenceScorer(CausalLm policy, CausalLm reference, PreferenceLoss loss) {
        this(policy, new LiveReference(reference), loss);
    }

    PreferenceScorer(CausalLm policy, ReferenceSource reference, PreferenceLoss loss) {
        this.policy = policy;
        this.reference = reference;
        this.loss = loss;
    }

    /**
     * What the reference contributes to a batch of 2B rows.
     *
     * @param logProbs sequence log-probs of every row
     * @param logits   (2B, T, V) logits, kept only when the loss needs the per-token KL; else null
     */
    record ReferencePass(SequenceLogProbs logProbs, NDArray logits) {}

    /**
     * The reference pass over all 2B rows (live or cached), or null when the loss needs no
     * reference. Call outside a gradient collector: the reference is a constant.
     *
     * @param pairs the batch's B pairs, in batch order
     * @param batch their 2B rows
     */
    ReferencePass reference(List<TokenizedPair> pairs, Batch.Tensors batch) {
        LossRequirements needs = loss.requirements();
        if (!needs.referenceLogProbs() && !needs.tokenKl()) {
            return null;
        }
        return reference.pass(pairs, batch, needs.tokenKl());
    }

    /**
     * A scored batch.
     *
     * @param inputs  what the loss read: per-pair policy and reference log-probs, token KLs
     * @param output  the loss output
     * @param metrics the batch's metrics (means over its B pairs)
     */
    record Scored(LossInputs inputs, LossOutput output, Map<String, Double> metrics) {}

    /**
     * Runs the policy and the loss. Inside a gradient collector, {@code output().loss()} can be
     * back-propagated.
     *
     * @param batch     2B rows: chosen first, then rejected
     * @param reference the reference pass over the same rows, or null
     * @param pairs     B
     */
    Scored score(Batch.Tensors batch, ReferencePass reference, int pairs) {
        return score(batch, reference, pairs, PhaseClock.NONE);
    }

    /** {@link #score(Batch.Tensors, ReferencePass, int)}, telling {@code clock} as each phase ends. */
    Scored score(Batch.Tensors batch, ReferencePass reference, int pairs, PhaseClock clock) {
        LossRequirements needs = loss.requirements();
        NDArray logits = policy.forward(batch.inputIds(), batch.attentionMask());
        clock.lap(StepPhase.POLICY_FORWARD);
        SequenceLogProbs policyLogps = SequenceStats.logProbs(logits, batch.inputIds(), batch.lossMask());
        String chosen = "0:" + pairs;
        String rejected = pairs + ":" + 2 * pairs;
        NDArray tokenKl = needs.tokenKl()
                ? SequenceStats.tokenDivergence(
                        logits, reference.logits(), batch.inputIds(), batch.lossMask(), tokenDivergence(loss))
                : null;
        SequenceLogProbs attended = needs.attendedChosenLogProbs()
                ? SequenceStats.logProbs(logits.get(chosen), batch.inputIds().get(chosen), batch.attentionMask().get(chosen))
                : null;
        LossInputs inputs = new LossInputs(
                policyLogps.rows(0, pairs),
                policyLogps.rows(pairs, 2L * pairs),
                reference == null ? null : reference.logProbs().rows(0, pairs),
                reference == null ? null : reference.logProbs().rows(pairs, 2L * pairs),
                tokenKl == null ? null : tokenKl.get(chosen),
                tokenKl == null ? null : tokenKl.get(rejected),
                attended);
        LossOutput output = loss.compute(inputs);
        clock.lap(StepPhase.LOSS);
        Map<String, Double> metrics = metrics(output, policyLogps, logits, batch.lossMask(), pairs);
        clock.lap(StepPhase.METRICS);
        return new Scored(inputs, output, metrics);
    }

    /**
     * The per-token constraint the loss's {@code tokenKl} requirement means: TDPO's configured
     * divergence (the paper's KL(π_ref ‖ π) by default), seen through an added NLL term.
     */
    private static Divergence tokenDivergence(PreferenceLoss loss) {
        PreferenceLoss base = loss instanceof NllRegularized rpo ? rpo.base() : loss;
        if (base instanceof TdpoLoss tdpo) {
            return tdpo.tokenDivergence();
        }
        return Divergence.named(TdpoLossConfig.PAPER_TOKEN_DIVERGENCE, 0.5);
    }

    /**
     * TRL's per-batch metrics. {@code logits/*} is the mean logit over the scored positions and
     * the whole vocabulary, as TRL reports it.
     */
    private static Map<String, Double> metrics(
            LossOutput out, SequenceLogProbs policyLogps, NDArray logits, NDArray lossMask, int pairs) {
        NDArray chosen = out.chosenRewards();
        NDArray rejected = out.rejectedRewards();
        long seqLen = logits.getShape().get(1);
        NDArray scored = lossMask.get(":, 1:" + seqLen);
        // Detach first: a metric needs no autograd node.
        NDArray meanLogitPerPosition = logits.stopGradient().get(":, 0:" + (seqLen - 1) + ", :").mean(new int[] {-1});
        NDArray logitSums = meanLogitPerPosition.mul(scored).sum(new int[] {1});
        NDArray tokenCounts = scored.sum(new int[] {1});
        String chosenRows = "0:" + pairs;
        String rejectedRows = pairs + ":" + 2 * pairs;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(MetricNames.LOSS, scalar(out.loss()));
        m.put(MetricNames.REWARDS_CHOSEN, scalar(chosen.mean()));
        m.put(MetricNames.REWARDS_REJECTED, scalar(rejected.mean()));
        m.put(MetricNames.REWARDS_ACCURACIES, scalar(chosen.gt(rejected).toType(chosen.getDataType(), false).mean()));
        m.put(MetricNames.REWARDS_MARGINS, scalar(chosen.sub(rejected).mean()));
        m.put(MetricNames.LOGPS_CHOSEN, scalar(policyLogps.sum().get(chosenRows).mean()));
        m.put(MetricNames.LOGPS_REJECTED, scalar(policyLogps.sum().get(rejectedRows).mean()));
        m.put(MetricNames.LOGITS_CHOSEN, scalar(logitSums.get(chosenRows).sum().div(tokenCounts.get(chosenRows).sum())));
        m.put(MetricNames.LOGITS_REJECTED, scalar(logitSums.get(rejectedRows).sum().div(tokenCounts.get(rejectedRows).sum())));
        out.extraMetrics().forEach((name, values) -> m.put(name, scalar(values.mean())));
        return m;
    }

    private static double scalar(NDArray array) {
        return array.stopGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }
}
