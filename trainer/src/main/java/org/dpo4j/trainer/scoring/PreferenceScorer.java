package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dpo4j.losses.Completions;
import org.dpo4j.losses.Constants;
import org.dpo4j.losses.LengthDesensitization;
import org.dpo4j.losses.LossInputs;
import org.dpo4j.losses.LossOutput;
import org.dpo4j.losses.LossRequirements;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.SequenceLogProbs;
import org.dpo4j.losses.SequenceStats;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.CompletionRows;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.PhaseClock;
import org.dpo4j.trainer.metrics.StepPhase;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.SegmentedBackward;

/**
 * Scores a batch: policy and (when the loss needs it) reference forward passes, sequence
 * log-probs, the loss, and the batch's metrics. All arrays live in the caller's scope.
 *
 * <p>The LM head and the log-softmax run only at the positions whose next token is read
 * ({@link ScoredPositions}: the scored completion tokens, plus the chosen prompts for ORPO), not
 * at all 2B·T positions: (M, V) instead of (2B, T, V) logits, where M is about the number of
 * completion tokens. Prompt and padding positions would get exactly zero gradient anyway, so
 * the log-probs, losses, rewards and gradients are those of the full path up to float32
 * rounding (summation order).
 */
public final class PreferenceScorer {

    private final CausalLm policy;
    private final ReferenceSource reference;
    private final PreferenceLoss loss;
    private final BatchForward forward;
    private final HeadBackward head;
    /** Whether the body is back-propagated in segments; null: by the policy's size. */
    private final Boolean segmentedBody;
    /** Whether the head may keep its (M, V) probabilities where they fit ({@link KeptProbabilities}). */
    private final boolean mayKeepProbabilities;


    /**
     * How the LM head's gradient is formed. {@link #RECOMPUTED} (the default) keeps no (M, V)
     * array between the forward and the backward pass ({@link RecomputedHead});
     * {@link #AUTOGRAD} lets autograd keep each chunk's log-probs, the plain path that
     * {@link RecomputedHead} must equal (kept as the reference implementation).
     */
    public enum HeadBackward {
        AUTOGRAD,
        RECOMPUTED
    }

    /** A scorer whose policy shares prompts ({@link BatchForward#SHARED_PROMPTS}). */
    public PreferenceScorer(CausalLm policy, ReferenceSource reference, PreferenceLoss loss) {
        this(policy, reference, loss, BatchForward.SHARED_PROMPTS);
    }

    /** @param forward how the policy runs a batch's rows (a live reference brings its own) */
    public PreferenceScorer(CausalLm policy, ReferenceSource reference, PreferenceLoss loss, BatchForward forward) {
        this(policy, reference, loss, forward, HeadBackward.RECOMPUTED, null, true);
    }

    private PreferenceScorer(CausalLm policy, ReferenceSource reference, PreferenceLoss loss, BatchForward forward,
            HeadBackward head, Boolean segmentedBody, boolean mayKeepProbabilities) {
        this.policy = policy;
        this.reference = reference;
        this.loss = loss;
        this.forward = forward;
        this.head = head;
        this.segmentedBody = segmentedBody;
        this.mayKeepProbabilities = mayKeepProbabilities;
    }

    /** This scorer back-propagating the body in segments or not, whatever the policy's size (tests). */
    PreferenceScorer withSegmentedBody(boolean segmented) {
        return new PreferenceScorer(policy, reference, loss, forward, head, segmented, mayKeepProbabilities);
    }

    /**
     * This scorer with the recomputing head only ({@code false}: the (M, V) probabilities are
     * never kept, whatever their size; tests of that path).
     */
    PreferenceScorer withKeptProbabilities(boolean mayKeep) {
        return new PreferenceScorer(policy, reference, loss, forward, head, segmentedBody, mayKeep);
    }

    private boolean segmentsBody() {
        return head == HeadBackward.RECOMPUTED && (segmentedBody != null
                ? segmentedBody
                : SegmentedBackward.pays(policy.weights().parameterCount()));
    }

    /** This scorer forming the head's gradient as {@code head} says. */
    public PreferenceScorer withHeadBackward(HeadBackward head) {
        return head == this.head ? this
                : new PreferenceScorer(policy, reference, loss, forward, head, segmentedBody, mayKeepProbabilities);
    }

    /**
     * This scorer with its loss as it applies at optimizer step {@code step} (0-based,
     * {@link PreferenceLoss#atStep}: WRPO's α ramp); itself when the loss has no schedule.
     */
    public PreferenceScorer atStep(long step) {
        policy.weights().adapters().atStep(step); // LoRA dropout's masks are keyed to the step
        PreferenceLoss current = loss.atStep(step);
        return current == loss ? this
                : new PreferenceScorer(policy, reference, current, forward, head, segmentedBody, mayKeepProbabilities);
    }

    /**
     * What the reference contributes to a batch of 2B rows.
     *
     * @param logProbs      sequence log-probs of every row
     * @param tokenLogProbs the log-distributions at the batch's {@link ScoredPositions}, made chunk
     *                      by chunk from the kept (M, d) hidden states, only when the loss needs the
     *                      reference's distribution (TDPO's per-token divergence, Ra-DPO's risk); else null
     * @param labelLogProbs (2B, T−1) the label log-probs per position (0 where not gathered), from a
     *                      live reference; null from a cache (LD-DPO's weighted sums need them)
     */
    public record ReferencePass(SequenceLogProbs logProbs, ReferenceDistribution tokenLogProbs, NDArray labelLogProbs) {

        /** A pass without per-position label log-probs (a cache). */
        public ReferencePass(SequenceLogProbs logProbs, ReferenceDistribution tokenLogProbs) {
            this(logProbs, tokenLogProbs, null);
        }
    }

    /**
     * How {@code batch} goes through both passes: the positions this loss reads (the scored
     * tokens of every row, and the attended tokens of the B chosen rows when the loss needs
     * {@code attendedChosenLogProbs}) and the shared-prompt layout. Make it once per batch, in the
     * scope that encloses both passes.
     *
     * @param pairs B
     */
    public BatchPlan plan(Batch.Tensors batch, int pairs) {
        return BatchPlan.of(batch, loss.requirements().attendedChosenLogProbs() ? pairs : 0, forward);
    }

    /**
     * The reference pass over all 2B rows (live or cached), or null when the loss needs no
     * reference. Call outside a gradient collector: the reference is a constant.
     *
     * @param pairs the batch's B pairs, in batch order
     * @param batch their 2B rows
     * @param plan  {@link #plan} of the batch
     */
    public ReferencePass reference(List<TokenizedPair> pairs, Batch.Tensors batch, BatchPlan plan) {
        LossRequirements needs = loss.requirements();
        if (!needs.usesReference()) {
            return null;
        }
        return reference.pass(pairs, batch, plan, needs.referenceDistribution());
    }

    /**
     * A scored batch.
     *
     * @param inputs  what the loss read: per-pair policy and reference log-probs, token KLs
     * @param output  the loss output
     * @param metrics the batch's metrics (means over its B pairs)
     */
    public record Scored(LossInputs inputs, LossOutput output, Map<String, Double> metrics, RecomputedHead head,
            SegmentedBackward body) {

        /** A scored batch whose head's and body's gradients are autograd's. */
        public Scored(LossInputs inputs, LossOutput output, Map<String, Double> metrics) {
            this(inputs, output, metrics, null, null);
        }

        /**
         * Back-propagates {@code output().loss() / accumulationSteps} into the policy's parameters:
         * the loss to its inputs, then (with {@link HeadBackward#RECOMPUTED}) the head and the body.
         */
        public void backward(GradientCollector collector, int accumulationSteps) {
            backward(collector, accumulationSteps, 1.0);
        }

        /**
         * {@link #backward(GradientCollector, int)} of the loss times {@code lossScale} (fp16's
         * dynamic loss scaling); a scale of 1 divides exactly as without scaling.
         */
        public void backward(GradientCollector collector, int accumulationSteps, double lossScale) {
            collector.backward(lossScale == 1.0
                    ? Constants.dividedBy(output.loss(), accumulationSteps)
                    : Constants.times(output.loss(), lossScale / accumulationSteps));
            if (head != null) {
                head.backward(collector);
            }
            if (body != null) {
                body.backward(collector);
            }
        }
    }

    /**
     * Runs the policy and the loss. Inside a gradient collector, {@link Scored#backward}
     * back-propagates the loss (with the default {@link HeadBackward#RECOMPUTED}, a plain backward
     * of {@code output().loss()} would stop at the head's per-position leaves).
     *
     * @param batch     2B rows: chosen first, then rejected
     * @param plan      {@link #plan} of the batch
     * @param reference the reference pass over the same rows, or null
     * @param pairs     B
     */
    public Scored score(Batch.Tensors batch, BatchPlan plan, ReferencePass reference, int pairs) {
        return score(batch, plan, reference, pairs, PhaseClock.NONE);
    }

    /**
     * {@link #score(Batch.Tensors, BatchPlan, ReferencePass, int)}, telling {@code clock} as each
     * phase ends.
     *
     * <pre>
     *   hidden  = policy.hiddenStates(ids, mask)                       (2B, T, d)  (BatchPlan)
     *   tokens  = head and log-softmax at the M needed positions       (M, V) → (M), chunk by chunk;
     *             with {@link HeadBackward#RECOMPUTED} the (M) values are leaves and no (M, V)
     *             array is kept ({@link RecomputedHead}): back-propagate with {@link Scored#backward}
     *   grid    = the M token log-probs back on (2B, T−1), 0 elsewhere
     *   sums, means, counts = masked sums of grid, as SequenceStats.logProbs
     * </pre>
     */
    public Scored score(Batch.Tensors batch, BatchPlan plan, ReferencePass reference, int pairs, PhaseClock clock) {
        LossRequirements needs = loss.requirements();
        ScoredPositions at = plan.at();
        // with the recomputed head and a large policy, the blocks are back-propagated segment by segment
        SegmentedBackward.Recorded recorded = segmentsBody()
                ? SegmentedBackward.record(() -> plan.hiddenStates(policy, batch))
                : null;
        NDArray hidden = recorded != null ? recorded.result() : plan.hiddenStates(policy, batch);
        List<RecomputedHead.PositionTerm> terms = new ArrayList<>();
        if (needs.tokenKl()) {
            ReferenceDistribution referenceLogProbs = referenceDistribution(at, reference);
            terms.add((logProbs, rows) -> SequenceStats.distributionDivergence(logProbs,
                    referenceLogProbs.logProbs(rows), needs.tokenDivergence()));
        }
        if (needs.tokenRiskSums()) {
            ReferenceDistribution referenceLogProbs = referenceDistribution(at, reference);
            terms.add((logProbs, rows) -> needs.tokenRisk().positionRisk(logProbs, referenceLogProbs.logProbs(rows)));
        }
        RecomputedHead recomputed = head == HeadBackward.RECOMPUTED
                ? RecomputedHead.of(policy, hidden, at, true, needs.pairWeights(), terms, mayKeepProbabilities)
                : null;
        TokenScores tokens = recomputed != null ? recomputed.scores()
                : TokenScores.of(policy, hidden, at, needs.referenceDistribution(), true, needs.pairWeights());
        List<NDArray> termValues = new ArrayList<>();
        for (int k = 0; k < terms.size(); k++) {
            termValues.add(recomputed != null ? recomputed.term(k) : terms.get(k).apply(tokens.logProbs(), ":"));
        }
        clock.lap(StepPhase.POLICY_FORWARD);
        NDArray tokenLogps = at.scatter(tokens.labelLogProbs()); // (2B, T−1)
        NDArray lossMask = batch.lossMask();
        SequenceLogProbs policyLogps = SequenceStats.fromTokenLogProbs(tokenLogps, lossMask);
        String chosen = "0:" + pairs;
        String rejected = pairs + ":" + 2 * pairs;
        NDArray tokenKl = needs.tokenKl() ? positionSums(termValues.get(0), at, lossMask) : null;
        NDArray tokenRisk = needs.tokenRiskSums()
                ? positionSums(termValues.get(needs.tokenKl() ? 1 : 0), at, lossMask)
                : null;
        SequenceLogProbs attended = needs.attendedChosenLogProbs()
                ? SequenceStats.fromTokenLogProbs(tokenLogps.get(chosen), batch.attentionMask().get(chosen))
                : null;
        SequenceLogProbs policyChosen = policyLogps.rows(0, pairs);
        SequenceLogProbs policyRejected = policyLogps.rows(pairs, 2L * pairs);
        SequenceLogProbs referenceChosen = reference == null ? null : reference.logProbs().rows(0, pairs);
        SequenceLogProbs referenceRejected = reference == null ? null : reference.logProbs().rows(pairs, 2L * pairs);
        LengthDesensitization lengths = needs.lengthDesensitization();
        LengthDesensitization.Weights weights = null;
        if (lengths != null) {
            weights = lengths.weights(lossMask.get(chosen), lossMask.get(rejected), tokenLogps);
            policyChosen = SequenceStats.fromTokenLogProbs(tokenLogps.get(chosen), lossMask.get(chosen), weights.chosen());
            policyRejected = SequenceStats.fromTokenLogProbs(tokenLogps.get(rejected), lossMask.get(rejected),
                    weights.rejected());
            if (lengths.weightReference() && reference != null) {
                NDArray referenceTokens = Objects.requireNonNull(reference.labelLogProbs(),
                        "LD-DPO's weighted reference sums need a live reference's label log-probs");
                referenceChosen = SequenceStats.fromTokenLogProbs(referenceTokens.get(chosen), lossMask.get(chosen),
                        weights.chosen());
                referenceRejected = SequenceStats.fromTokenLogProbs(referenceTokens.get(rejected), lossMask.get(rejected),
                        weights.rejected());
            }
        }
        LossInputs inputs = new LossInputs(
                policyChosen,
                policyRejected,
                referenceChosen,
                referenceRejected,
                tokenKl == null ? null : tokenKl.get(chosen),
                tokenKl == null ? null : tokenKl.get(rejected),
                attended);
        if (lengths != null) {
            inputs = inputs.withUnweighted(policyLogps.rows(0, pairs), policyLogps.rows(pairs, 2L * pairs));
        }
        if (needs.pairWeights()) {
            NDArray logWeights = positionSums(tokens.wpoTerms(), at, lossMask).div(policyLogps.tokenCount().maximum(1));
            inputs = inputs.withLogWeights(logWeights.get(chosen), logWeights.get(rejected));
        }
        if (tokenRisk != null) {
            inputs = inputs.withTokenRisk(tokenRisk.get(chosen), tokenRisk.get(rejected));
        }
        inputs = withFurtherCompletions(inputs, needs.completions(), policyLogps,
                reference == null ? null : reference.logProbs(), pairs);
        LossOutput output = loss.compute(inputs);
        clock.lap(StepPhase.LOSS);
        Map<String, Double> metrics = metrics(output, policyLogps, at.scatter(tokens.meanLogits()),
                at.scatter(tokens.entropy()), at.scatter(tokens.correct()), lossMask, pairs);
        clock.lap(StepPhase.METRICS);
        return new Scored(inputs, output, metrics, recomputed, recorded == null ? null : recorded.segments());
    }

    /**
     * {@code inputs} with the completions beyond the pair that {@code kind} has, read from their
     * row slots ({@link CompletionRows}): D2O's K samples as (B, K) statistics, slot-major rows
     * (S·B) → (S, B) → the sample slots → transposed; WRPO's source chosen rows 2B..3B−1.
     *
     * @param policy    (S·B) statistics of every row
     * @param reference the reference's, or null
     */
    private static LossInputs withFurtherCompletions(LossInputs inputs, Completions kind, SequenceLogProbs policy,
            SequenceLogProbs reference, int pairs) {
        long rows = policy.sum().getShape().get(0);
        int perPair = Math.toIntExact(rows / pairs);
        return switch (kind) {
            case PAIRS -> inputs;
            case REJECTED_AND_SAMPLES -> {
                int[] slots = CompletionRows.sampleSlots(perPair);
                yield inputs.withSamples(samples(policy, slots, pairs),
                        reference == null ? null : samples(reference, slots, pairs));
            }
            case SOURCE_CHOSEN_AND_PAIRS -> {
                if (perPair != 3) {
                    throw new IllegalStateException("WRPO's batches have 3 rows per pair, got " + perPair);
                }
                long from = (long) CompletionRows.sourceChosenSlot() * pairs;
                yield inputs.withSourceChosen(policy.rows(from, from + pairs),
                        reference == null ? null : reference.rows(from, from + pairs));
            }
        };
    }

    /** The (B, K) statistics of the rows in {@code slots}, sample k in column k. */
    private static SequenceLogProbs samples(SequenceLogProbs all, int[] slots, int pairs) {
        return new SequenceLogProbs(columns(all.sum(), slots, pairs), columns(all.mean(), slots, pairs),
                columns(all.tokenCount(), slots, pairs));
    }

    private static NDArray columns(NDArray rows, int[] slots, int pairs) {
        NDList picked = new NDList(slots.length);
        for (int slot : slots) {
            picked.add(rows.get((long) slot * pairs + ":" + ((long) slot + 1) * pairs));
        }
        return NDArrays.stack(picked, 1);
    }

    /** The reference's log-distributions, which the loss's requirements asked the pass to keep. */
    private ReferenceDistribution referenceDistribution(ScoredPositions at, ReferencePass reference) {
        ReferenceDistribution referenceLogProbs = reference == null ? null : reference.tokenLogProbs();
        Shape expected = new Shape(at.labels().getShape().get(0), policy.architecture().vocabSize());
        if (referenceLogProbs == null || referenceLogProbs.positions() != expected.get(0)
                || referenceLogProbs.vocabSize() != expected.get(1)) {
            throw new IllegalStateException("the reference's token log-probs "
                    + (referenceLogProbs == null ? "are missing"
                            : "are (" + referenceLogProbs.positions() + ", " + referenceLogProbs.vocabSize() + ")")
                    + " where the policy's are " + expected);
        }
        return referenceLogProbs;
    }

    /**
     * Per-row sums over the scored positions of a per-position value given at the gathered
     * positions: seq_n = Σ_t lossMask[n, t+1]·value(n, t), as {@link SequenceStats#tokenDivergence}
     * computes it on the full grid.
     *
     * @param perPosition (M)
     * @return (2B)
     */
    private static NDArray positionSums(NDArray perPosition, ScoredPositions at, NDArray lossMask) {
        NDArray grid = at.scatter(perPosition);
        long seqLen = lossMask.getShape().get(1);
        return grid.mul(lossMask.get(":, 1:" + seqLen).toType(grid.getDataType(), false)).sum(new int[] {1});
    }

    /**
     * TRL's per-batch metrics. {@code logits/*} is the mean logit over the scored positions and
     * the whole vocabulary, as TRL reports it.
     *
     * @param meanLogits (2B, T−1) mean logit over V at each position that predicts a token, 0 at
     *                   positions not gathered (those are unscored, and masked out here)
     * @param entropy    (2B, T−1) the policy's entropy per position, likewise: TRL's {@code entropy} is
     *                   its token-weighted mean over the scored positions of all 2B rows
     * @param correct    (2B, T−1) 1 where the argmax is the label: TRL's {@code mean_token_accuracy}
     *                   is its mean over the chosen rows' scored positions
     */
    private static Map<String, Double> metrics(LossOutput out, SequenceLogProbs policyLogps, NDArray meanLogits,
            NDArray entropy, NDArray correct, NDArray lossMask, int pairs) {
        NDArray chosen = out.chosenRewards();
        NDArray rejected = out.rejectedRewards();
        long seqLen = lossMask.getShape().get(1);
        NDArray scored = lossMask.get(":, 1:" + seqLen);
        NDArray logitSums = meanLogits.mul(scored).sum(new int[] {1});
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
        NDArray scoredOf = scored.toType(entropy.getDataType(), false);
        m.put(MetricNames.ENTROPY, scalar(entropy.mul(scoredOf).sum().div(scoredOf.sum().maximum(1))));
        m.put(MetricNames.MEAN_TOKEN_ACCURACY, scalar(correct.get(chosenRows).mul(scoredOf.get(chosenRows)).sum()
                .div(scoredOf.get(chosenRows).sum().maximum(1))));
        out.extraMetrics().forEach((name, values) -> m.put(name, scalar(values.mean())));
        return m;
    }

    private static double scalar(NDArray array) {
        return array.stopGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }
}
