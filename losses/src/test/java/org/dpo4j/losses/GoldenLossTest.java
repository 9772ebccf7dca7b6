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

    /** Adding a loss class without a golden registration is an error. */
    @Test
    void everyPreferenceLossClassHasAGoldenRegistration() {
        Set<Class<?>> tested = new HashSet<>();
        for (String loss : GoldenLossRegistry.FACTORIES.keySet()) {
            for (GoldenCase c : GoldenVectors.cases(loss)) {
                tested.add(GoldenLossRegistry.create(c).getClass());
            }
        }
        for (Class<?> permitted : PreferenceLoss.class.getPermittedSubclasses()) {
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
        SequenceLogProbs pc = seqLogProbs(manager, in, "policy_chosen", "chosen", type, true);
        SequenceLogProbs pr = seqLogProbs(manager, in, "policy_rejected", "rejected", type, true);
        SequenceLogProbs rc = seqLogProbs(manager, in, "reference_chosen", "chosen", type, false);
        SequenceLogProbs rr = seqLogProbs(manager, in, "reference_rejected", "rejected", type, false);
        LossOutput out = Autograd.backward(() -> loss.compute(new LossInputs(pc, pr, rc, rr)), LossOutput::loss);

        checkOutput("seq", out, c.expected(), check);
        JsonNode grad = c.expected().required("grad_seq");
        checkSeqGradient(pc, grad, "policy_chosen_logps", check);
        checkSeqGradient(pr, grad, "policy_rejected_logps", check);
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

    /** One side (chosen or rejected) of a logits case, after {@link SequenceStats}. */
    private record Side(NDArray policyLogits, SequenceLogProbs policy, SequenceLogProbs reference) {

        static Side compute(NDManager manager, JsonNode input, String side, DataType type) {
            NDArray ids = GoldenVectors.longArray(manager, input.required(side + "_input_ids"));
            NDArray mask = GoldenVectors.longArray(manager, input.required(side + "_loss_mask"));
            NDArray policyLogits = GoldenVectors.array(manager, input.required(side + "_policy_logits"), type);
            NDArray refLogits = GoldenVectors.array(manager, input.required(side + "_ref_logits"), type);
            policyLogits.setRequiresGradient(true);
            return new Side(
                    policyLogits,
                    SequenceStats.logProbs(policyLogits, ids, mask),
                    SequenceStats.logProbs(refLogits, ids, mask));
        }

        void checkDerived(String side, JsonNode derived, Closeness check) {
            String at = "logits: derived." + side + ".";
            check.values(at + "logps_sum_policy", policy.sum(), derived.required("logps_sum_policy"));
            check.values(at + "logps_mean_policy", policy.mean(), derived.required("logps_mean_policy"));
            check.values(at + "n_tokens (policy)", policy.tokenCount(), derived.required("n_tokens"));
            check.values(at + "logps_sum_ref", reference.sum(), derived.required("logps_sum_ref"));
            check.values(at + "logps_mean_ref", reference.mean(), derived.required("logps_mean_ref"));
            check.values(at + "n_tokens (ref)", reference.tokenCount(), derived.required("n_tokens"));
        }
    }

    private record SidePair(Side chosen, Side rejected, LossOutput out) {}

    private static void checkLogitsLevel(
            NDManager manager, PreferenceLoss loss, GoldenCase c, DataType type, Closeness check) {
        JsonNode input = GoldenVectors.logitsInput(c.logitsCase());
        SidePair run = Autograd.backward(() -> {
            Side chosen = Side.compute(manager, input, "chosen", type);
            Side rejected = Side.compute(manager, input, "rejected", type);
            LossOutput out = loss.compute(
                    new LossInputs(chosen.policy(), rejected.policy(), chosen.reference(), rejected.reference()));
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
    }
}
