package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.dpo4j.losses.GoldenVectors.GoldenCase;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of every registered golden loss ({@link GoldenLossRegistry}), at the sequence level
 * (from {@code seq_inputs}) and, for logits cases, from the logits through {@link SequenceStats}:
 * values, rewards, the back-propagated scalar and its gradient w.r.t. the policy inputs.
 */
class GoldenLossTest {

    @TestFactory
    Stream<DynamicNode> float64() {
        return goldenTests(Precision.FLOAT64, c -> true);
    }

    /** float32 cannot represent the stress and 1000-offset cases to ~1e-4 (the README skips them). */
    @TestFactory
    Stream<DynamicNode> float32() {
        return goldenTests(Precision.FLOAT32, c -> !c.tagged("stress") && !c.tagged("logit_offset"));
    }

    /**
     * Loss classes without golden vectors, each tested by hand derivation instead: {@link SftLoss}
     * ({@code SftLossTest}; the golden {@code dpo_rpo} covers its NLL through {@link NllRegularized}).
     */
    static final Set<Class<?>> WITHOUT_GOLDEN_VECTORS = Set.of(SftLoss.class);

    /** Every loss the golden folder lists is tested: a vector file without an implementation fails. */
    @Test
    void everyIndexedLossIsRegistered() {
        for (String loss : GoldenVectors.indexedLosses()) {
            assertTrue(GoldenLossRegistry.FACTORIES.containsKey(loss),
                    "golden loss '" + loss + "' has no entry in GoldenLossRegistry, so its cases would not run");
        }
    }

    /** Adding a loss class without a golden registration is an error. */
    @Test
    void everyPreferenceLossClassHasAGoldenRegistration() {
        Set<Class<?>> tested = new HashSet<>();
        for (String loss : GoldenLossRegistry.FACTORIES.keySet()) {
            for (GoldenCase c : GoldenVectors.cases(loss)) {
                tested.add(GoldenLossRegistry.create(c).getClass());
            }
        }
        for (Class<?> permitted : PreferenceLossClasses.all()) {
            if (WITHOUT_GOLDEN_VECTORS.contains(permitted)) {
                continue;
            }
            assertTrue(tested.stream().anyMatch(permitted::isAssignableFrom),
                    permitted.getSimpleName() + " is not built by any GoldenLossRegistry entry");
        }
    }

    private static Stream<DynamicNode> goldenTests(Precision precision, Predicate<GoldenCase> applies) {
        return GoldenLossRegistry.FACTORIES.keySet().stream().map(loss -> {
            String fileTest = loss + ": vector file present and complete";
            List<GoldenCase> cases;
            try {
                cases = loadCases(loss);
            } catch (AssertionError | RuntimeException e) {
                return dynamicTest(fileTest, () -> {
                    throw e;
                });
            }
            Stream<DynamicNode> caseTests = cases.stream()
                    .filter(applies)
                    .map(c -> dynamicTest(c.id(), () -> checkCase(c, precision)));
            return dynamicContainer(loss, Stream.concat(Stream.of(dynamicTest(fileTest, () -> loadCases(loss))), caseTests));
        });
    }

    /** The cases of a registered loss; fails if its file is absent, unlisted or incomplete. */
    private static List<GoldenCase> loadCases(String loss) {
        JsonNode entry = GoldenVectors.indexEntry(loss);
        assertTrue(entry.isObject(), "index.json in " + GoldenVectors.directory()
                + " does not list the registered loss '" + loss + "'");
        List<GoldenCase> cases = GoldenVectors.cases(loss);
        assertFalse(cases.isEmpty(), GoldenVectors.lossFile(loss) + " has no cases");
        if (entry.has("n_cases")) {
            assertEquals(entry.get("n_cases").asInt(), cases.size(),
                    "index.json's n_cases for " + loss + " vs the cases in its file");
        }
        return cases;
    }

    private static void checkCase(GoldenCase c, Precision precision) {
        PreferenceLoss loss = GoldenLossRegistry.create(c);
        Closeness check = new Closeness(precision);
        try (NDManager manager = NDManager.newBaseManager()) {
            checkSequenceLevel(manager, loss, c, precision.type, check);
            if (c.hasLogits()) {
                checkLogitsLevel(manager, loss, c, precision.type, check);
            }
        }
        check.assertNone(c.id());
    }

    // ---- sequence level -------------------------------------------------------------------

    private static void checkSequenceLevel(
            NDManager manager, PreferenceLoss loss, GoldenCase c, DataType type, Closeness check) {
        JsonNode in = c.seqInputs();
        if (in.has("chosen_logps_margin")) {
            checkTdpoSequenceLevel(manager, loss, c, type, check);
            return;
        }
        SequenceLogProbs pc = seqLogProbs(manager, in, "policy_chosen", "chosen", type, true);
        SequenceLogProbs pr = seqLogProbs(manager, in, "policy_rejected", "rejected", type, true);
        SequenceLogProbs rc = seqLogProbs(manager, in, "reference_chosen", "chosen", type, false);
        SequenceLogProbs rr = seqLogProbs(manager, in, "reference_rejected", "rejected", type, false);
        SequenceLogProbs attended = loss.requirements().attendedChosenLogProbs()
                ? attendedFromDerived(manager, c, type)
                : null;
        LossOutput out = Autograd.backward(
                () -> loss.compute(new LossInputs(pc, pr, rc, rr, null, null, attended)), LossOutput::loss);

        checkOutput("seq", out, c.expected(), check);
        JsonNode grad = c.expected().required("grad_seq");
        checkSeqGradient(pc, grad, "policy_chosen_logps", check);
        checkSeqGradient(pr, grad, "policy_rejected_logps", check);
    }

    /**
     * The attended chosen log-probs (ORPO's NLL) of a sequence-level case, as constants from the
     * logits inputs' {@code derived} values: {@code seq_inputs} has no such key, and the golden
     * {@code grad_seq} leaves the NLL out (it depends on prompt tokens), so constants give exactly
     * the expected {@code mean_loss} and gradients.
     */
    private static SequenceLogProbs attendedFromDerived(NDManager manager, GoldenCase c, DataType type) {
        if (!c.hasLogits()) {
            throw new AssertionError(c.id() + ": a loss that needs attended log-probs has a case without logits");
        }
        JsonNode derived = GoldenVectors.logitsInput(c.logitsCase()).required("derived").required("chosen");
        NDArray sum = GoldenVectors.array(manager, derived.required("attended_logps_sum_policy"), type);
        NDArray count = GoldenVectors.array(manager, derived.required("attended_n_tokens"), type);
        return new SequenceLogProbs(sum, sum.div(count.maximum(1)), count);
    }

    /**
     * TDPO's sequence-level inputs: log-prob margins m = Σ(log π − log π_ref) and sequence KLs. The
     * margins become the policy sums (leaves) against zero reference sums, so that the loss's
     * pc − rc is m exactly; the KLs are leaves of their own. {@code grad_seq} is w.r.t. all four
     * (TDPO2's {@code chosen_seq_kl} is exactly 0: a detached leaf gets a zero gradient).
     */
    private static void checkTdpoSequenceLevel(
            NDManager manager, PreferenceLoss loss, GoldenCase c, DataType type, Closeness check) {
        JsonNode in = c.seqInputs();
        NDArray mc = GoldenVectors.array(manager, in.required("chosen_logps_margin"), type);
        NDArray mr = GoldenVectors.array(manager, in.required("rejected_logps_margin"), type);
        NDArray kc = GoldenVectors.array(manager, in.required("chosen_seq_kl"), type);
        NDArray kr = GoldenVectors.array(manager, in.required("rejected_seq_kl"), type);
        for (NDArray leaf : new NDArray[] {mc, mr, kc, kr}) {
            leaf.setRequiresGradient(true);
        }
        NDArray ones = mc.onesLike();
        NDArray zeros = mc.zerosLike();
        LossOutput out = Autograd.backward(() -> loss.compute(new LossInputs(
                        new SequenceLogProbs(mc, mc.duplicate(), ones),
                        new SequenceLogProbs(mr, mr.duplicate(), ones),
                        new SequenceLogProbs(zeros, zeros, ones),
                        new SequenceLogProbs(zeros, zeros, ones),
                        kc, kr, null)),
                LossOutput::loss);

        checkOutput("seq", out, c.expected(), check);
        JsonNode grad = c.expected().required("grad_seq");
        check.gradient("seq: grad_seq.chosen_logps_margin", Autograd.gradient(mc), grad.required("chosen_logps_margin"));
        check.gradient("seq: grad_seq.rejected_logps_margin", Autograd.gradient(mr), grad.required("rejected_logps_margin"));
        check.gradient("seq: grad_seq.chosen_seq_kl", Autograd.gradient(kc), grad.required("chosen_seq_kl"));
        check.gradient("seq: grad_seq.rejected_seq_kl", Autograd.gradient(kr), grad.required("rejected_seq_kl"));
    }

    /** Sum, mean and count as given; the policy's sum and mean are separate gradient leaves. */
    private static SequenceLogProbs seqLogProbs(
            NDManager manager, JsonNode in, String prefix, String side, DataType type, boolean policy) {
        NDArray sum = GoldenVectors.array(manager, in.required(prefix + "_logps"), type);
        NDArray mean = GoldenVectors.array(manager, in.required(prefix + "_logps_mean"), type);
        NDArray count = GoldenVectors.array(manager, in.required(side + "_n_tokens"), type);
        if (policy) {
            sum.setRequiresGradient(true);
            mean.setRequiresGradient(true);
        }
        return new SequenceLogProbs(sum, mean, count);
    }

    /**
     * The golden gradients treat mean = sum / n: w.r.t. the sum it is ∂L/∂sum + ∂L/∂mean / n, and
     * w.r.t. the mean (key {@code *_mean}) n times that. Our sum and mean are independent leaves,
     * so combine their gradients by the chain rule.
     */
    private static void checkSeqGradient(SequenceLogProbs leaf, JsonNode grad, String key, Closeness check) {
        NDArray dSum = Autograd.gradient(leaf.sum());
        NDArray dMean = Autograd.gradient(leaf.mean());
        NDArray n = leaf.tokenCount().toType(DataType.FLOAT64, false).maximum(1);
        NDArray total = dSum.add(dMean.div(n));
        check.gradient("seq: grad_seq." + key, total, grad.required(key));
        if (grad.has(key + "_mean")) {
            check.gradient("seq: grad_seq." + key + "_mean", total.mul(n), grad.get(key + "_mean"));
        }
    }

    // ---- logits level ---------------------------------------------------------------------

    /**
     * One side (chosen or rejected) of a logits case, after {@link SequenceStats}: sequence
     * log-probs, and, when the loss needs them, the sequence KL (TDPO) and the log-probs over the
     * attended tokens (ORPO's NLL; computed for both sides, used for the chosen one).
     */
    private record Side(
            NDArray policyLogits,
            SequenceLogProbs policy,
            SequenceLogProbs reference,
            NDArray seqKl,
            SequenceLogProbs attended) {

        static Side compute(NDManager manager, JsonNode input, String side, DataType type, LossRequirements needs) {
            NDArray ids = GoldenVectors.longArray(manager, input.required(side + "_input_ids"));
            NDArray mask = GoldenVectors.longArray(manager, input.required(side + "_loss_mask"));
            NDArray policyLogits = GoldenVectors.array(manager, input.required(side + "_policy_logits"), type);
            NDArray refLogits = GoldenVectors.array(manager, input.required(side + "_ref_logits"), type);
            policyLogits.setRequiresGradient(true);
            NDArray seqKl = needs.tokenKl() ? SequenceStats.tokenKl(policyLogits, refLogits, ids, mask) : null;
            SequenceLogProbs attended = needs.attendedChosenLogProbs()
                    ? SequenceStats.logProbs(policyLogits, ids,
                            GoldenVectors.longArray(manager, input.required(side + "_attention_mask")))
                    : null;
            return new Side(
                    policyLogits,
                    SequenceStats.logProbs(policyLogits, ids, mask),
                    SequenceStats.logProbs(refLogits, ids, mask),
                    seqKl,
                    attended);
        }

        void checkDerived(String side, JsonNode derived, Closeness check) {
            String at = "logits: derived." + side + ".";
            check.values(at + "logps_sum_policy", policy.sum(), derived.required("logps_sum_policy"));
            check.values(at + "logps_mean_policy", policy.mean(), derived.required("logps_mean_policy"));
            check.values(at + "n_tokens (policy)", policy.tokenCount(), derived.required("n_tokens"));
            check.values(at + "logps_sum_ref", reference.sum(), derived.required("logps_sum_ref"));
            check.values(at + "logps_mean_ref", reference.mean(), derived.required("logps_mean_ref"));
            check.values(at + "n_tokens (ref)", reference.tokenCount(), derived.required("n_tokens"));
            if (seqKl != null) {
                check.values(at + "seq_kl", seqKl, derived.required("seq_kl"));
            }
            if (attended != null) {
                check.values(at + "attended_logps_sum_policy", attended.sum(),
                        derived.required("attended_logps_sum_policy"));
                check.values(at + "attended_n_tokens", attended.tokenCount(), derived.required("attended_n_tokens"));
            }
        }
    }

    private record SidePair(Side chosen, Side rejected, LossOutput out) {}

    private static void checkLogitsLevel(
            NDManager manager, PreferenceLoss loss, GoldenCase c, DataType type, Closeness check) {
        JsonNode input = GoldenVectors.logitsInput(c.logitsCase());
        SidePair run = Autograd.backward(() -> {
            LossRequirements needs = loss.requirements();
            Side chosen = Side.compute(manager, input, "chosen", type, needs);
            Side rejected = Side.compute(manager, input, "rejected", type, needs);
            LossOutput out = loss.compute(new LossInputs(
                    chosen.policy(), rejected.policy(), chosen.reference(), rejected.reference(),
                    chosen.seqKl(), rejected.seqKl(), chosen.attended()));
            return new SidePair(chosen, rejected, out);
        }, pair -> pair.out().loss());

        JsonNode derived = input.required("derived");
        run.chosen().checkDerived("chosen", derived.required("chosen"), check);
        run.rejected().checkDerived("rejected", derived.required("rejected"), check);
        checkOutput("logits", run.out(), c.expected(), check);
        JsonNode grad = c.expected().required("grad_policy_logits");
        check.gradient("logits: grad_policy_logits.chosen",
                Autograd.gradient(run.chosen().policyLogits()), grad.required("chosen"));
        check.gradient("logits: grad_policy_logits.rejected",
                Autograd.gradient(run.rejected().policyLogits()), grad.required("rejected"));
    }

    // ---- both levels ----------------------------------------------------------------------

    private static void checkOutput(String level, LossOutput out, JsonNode expected, Closeness check) {
        check.values(level + ": losses", out.pairLosses(), expected.required("losses"));
        check.values(level + ": chosen_rewards", out.chosenRewards(), expected.required("chosen_rewards"));
        check.values(level + ": rejected_rewards", out.rejectedRewards(), expected.required("rejected_rewards"));
        check.values(level + ": mean_loss", out.loss(), expected.required("mean_loss"));
        // The NLL term (dpo_rpo, cpo, orpo), reported as the metric nll_loss (the batch value per pair).
        if (expected.path("nll_loss").isNumber() && out.extraMetrics().containsKey("nll_loss")) {
            NDArray nll = out.extraMetrics().get("nll_loss");
            check.values(level + ": nll_loss", nll.get(0), expected.get("nll_loss"));
            check.values(level + ": nll_loss (every pair)", nll.sub(nll.get(0)),
                    GoldenVectors.zerosLike(expected.required("losses")));
        }
        // ORPO's log-odds, reported under TRL's metric name.
        if (expected.path("extras").has("log_odds") && out.extraMetrics().containsKey("log_odds_chosen")) {
            check.values(level + ": extras.log_odds", out.extraMetrics().get("log_odds_chosen"),
                    expected.get("extras").get("log_odds"));
        }
    }
}
