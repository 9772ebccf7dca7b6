package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.dpo4j.losses.GoldenVectors.GoldenCase;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of every loss that the {@code index.json} of each {@code golden.dir} folder lists
 * (built by {@link GoldenLossRegistry}), at the sequence level (from {@code seq_inputs}) and, for
 * logits and multi-completion cases, from the logits through {@link SequenceStats}: values, rewards,
 * the back-propagated scalar and its gradient w.r.t. the policy inputs.
 *
 * <p>What a case feeds the loss follows its {@code seq_inputs} keys and the loss's
 * {@link LossRequirements}: TDPO/Ra-DPO margins and token statistics, D2O's samples, WRPO's source
 * chosen completions, LD-DPO's weighted and plain sums, WPO's log weights.
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
     * Loss classes without golden vectors of their own, each tested by hand derivation instead:
     * {@link SftLoss} ({@code SftLossTest}; the golden {@code dpo_rpo} and {@code dpo_combined}
     * cover its NLL inside {@link NllRegularized} and {@link CombinedLoss}).
     */
    static final Set<Class<?>> WITHOUT_GOLDEN_VECTORS = Set.of(SftLoss.class);

    /** Every loss a golden folder lists is tested: a vector file without an implementation fails. */
    @Test
    void everyIndexedLossIsRegistered() {
        for (Path dir : GoldenVectors.directories()) {
            for (String loss : GoldenVectors.indexedLosses(dir)) {
                assertTrue(GoldenLossRegistry.FACTORIES.containsKey(loss) || GoldenLossRegistry.METRICS_ONLY.contains(loss),
                        "golden loss '" + loss + "' of " + dir + " has no entry in GoldenLossRegistry, so its cases would not run");
            }
        }
    }

    /** Adding a loss class without a golden registration is an error. */
    @Test
    void everyPreferenceLossClassHasAGoldenRegistration() {
        Set<Class<?>> tested = new HashSet<>();
        for (Path dir : GoldenVectors.directories()) {
            for (String loss : GoldenVectors.indexedLosses(dir)) {
                if (GoldenLossRegistry.FACTORIES.containsKey(loss)) {
                    for (GoldenCase c : GoldenVectors.cases(dir, loss)) {
                        tested.add(GoldenLossRegistry.create(c).getClass());
                    }
                }
            }
        }
        for (Class<?> permitted : PreferenceLossClasses.all()) {
            if (WITHOUT_GOLDEN_VECTORS.contains(permitted)) {
                continue;
            }
            assertTrue(tested.stream().anyMatch(permitted::isAssignableFrom),
                    permitted.getSimpleName() + " is not built by any GoldenLossRegistry entry of the golden folders");
        }
    }

    private static Stream<DynamicNode> goldenTests(Precision precision, Predicate<GoldenCase> applies) {
        return GoldenVectors.directories().stream().map(dir -> dynamicContainer(dir.getFileName().toString(),
                GoldenVectors.indexedLosses(dir).stream()
                        .filter(loss -> !GoldenLossRegistry.METRICS_ONLY.contains(loss))
                        .map(loss -> lossTests(dir, loss, precision, applies))));
    }

    private static DynamicNode lossTests(Path dir, String loss, Precision precision, Predicate<GoldenCase> applies) {
        String fileTest = loss + ": vector file present, complete and registered";
        List<GoldenCase> cases;
        try {
            cases = loadCases(dir, loss);
        } catch (AssertionError | RuntimeException e) {
            return dynamicTest(fileTest, () -> {
                throw e;
            });
        }
        Stream<DynamicNode> caseTests = cases.stream()
                .filter(applies)
                .map(c -> dynamicTest(c.id(), () -> checkCase(c, precision)));
        return dynamicContainer(loss, Stream.concat(Stream.of(dynamicTest(fileTest, () -> loadCases(dir, loss))), caseTests));
    }

    /** The cases of a listed loss; fails if its file is absent or incomplete or it has no implementation. */
    private static List<GoldenCase> loadCases(Path dir, String loss) {
        assertTrue(GoldenLossRegistry.FACTORIES.containsKey(loss),
                "golden loss '" + loss + "' has no entry in GoldenLossRegistry");
        JsonNode entry = GoldenVectors.indexEntry(dir, loss);
        List<GoldenCase> cases = GoldenVectors.cases(dir, loss);
        assertFalse(cases.isEmpty(), GoldenVectors.lossFile(dir, loss) + " has no cases");
        if (entry.has("n_cases")) {
            assertEquals(entry.get("n_cases").asInt(), cases.size(),
                    "index.json's n_cases for " + loss + " vs the cases in its file");
        }
        return cases;
    }

    private static void checkCase(GoldenCase c, Precision precision) {
        Closeness check = new Closeness(precision);
        try (NDManager manager = NDManager.newBaseManager()) {
            checkSequenceLevel(manager, GoldenLossRegistry.create(c), c, precision.type, check);
            if (c.hasLogits()) {
                checkLogitsLevel(manager, GoldenLossRegistry.create(c), c, precision.type, check);
            }
            if (c.hasMultiInputs()) {
                checkMultiLevel(manager, GoldenLossRegistry.create(c), c, precision.type, check);
            }
        }
        check.assertNone(c.id());
    }

    // ---- sequence level -------------------------------------------------------------------

    /** Gradient leaves of a sequence-level case, by their {@code grad_seq} key. */
    private static final class Leaves {
        final Map<String, NDArray> sums = new LinkedHashMap<>();
        final Map<String, NDArray> means = new LinkedHashMap<>();
        final Map<String, NDArray> counts = new LinkedHashMap<>();

        NDArray leaf(NDManager manager, JsonNode in, String key, DataType type) {
            NDArray a = GoldenVectors.array(manager, in.required(key), type);
            a.setRequiresGradient(true);
            sums.put(key, a);
            return a;
        }
    }

    private static void checkSequenceLevel(
            NDManager manager, PreferenceLoss loss, GoldenCase c, DataType type, Closeness check) {
        JsonNode in = c.seqInputs();
        Leaves leaves = new Leaves();
        LossInputs inputs;
        if (in.has("chosen_logps_margin")) {
            inputs = tokenStatisticInputs(manager, in, type, leaves);
        } else if (in.has("policy_sample_logps")) {
            inputs = d2oInputs(manager, in, type, leaves);
        } else if (in.has("policy_source_chosen_logps")) {
            inputs = wrpoInputs(manager, in, type, leaves);
        } else if (in.has("policy_chosen_logps_plain")) {
            inputs = ldInputs(manager, in, type, leaves);
        } else {
            inputs = pairInputs(manager, loss, c, in, type, leaves);
        }
        LossInputs fed = inputs;
        LossOutput out = Autograd.backward(() -> loss.compute(fed), LossOutput::loss);
        checkOutput("seq", out, c.expected(), check);
        JsonNode grad = c.expected().required("grad_seq");
        for (Map.Entry<String, NDArray> leaf : leaves.sums.entrySet()) {
            String key = leaf.getKey();
            if (!grad.has(key)) {
                continue;
            }
            NDArray total = Autograd.gradient(leaf.getValue());
            NDArray mean = leaves.means.get(key);
            if (mean != null) {
                // The golden gradients treat mean = sum / n; our sum and mean are separate leaves.
                NDArray n = leaves.counts.get(key).toType(DataType.FLOAT64, false).maximum(1);
                total = total.add(Autograd.gradient(mean).div(n));
                if (grad.has(key + "_mean")) {
                    check.gradient("seq: grad_seq." + key + "_mean", total.mul(n), grad.get(key + "_mean"));
                }
            }
            check.gradient("seq: grad_seq." + key, total, grad.get(key));
        }
    }

    /** Pair losses: sums and means as given (separate leaves), WPO's log weights as constants. */
    private static LossInputs pairInputs(
            NDManager manager, PreferenceLoss loss, GoldenCase c, JsonNode in, DataType type, Leaves leaves) {
        SequenceLogProbs pc = seqLogProbs(manager, in, "policy_chosen", "chosen", type, leaves);
        SequenceLogProbs pr = seqLogProbs(manager, in, "policy_rejected", "rejected", type, leaves);
        SequenceLogProbs rc = seqLogProbs(manager, in, "reference_chosen", "chosen", type, null);
        SequenceLogProbs rr = seqLogProbs(manager, in, "reference_rejected", "rejected", type, null);
        SequenceLogProbs attended = loss.requirements().attendedChosenLogProbs()
                ? attendedFromDerived(manager, c, type)
                : null;
        return withLogWeights(manager, new LossInputs(pc, pr, rc, rr, null, null, attended), in, type);
    }

    /** WPO's log weights, constants, when the case has them. */
    private static LossInputs withLogWeights(NDManager manager, LossInputs inputs, JsonNode in, DataType type) {
        if (!in.has("chosen_log_weights")) {
            return inputs;
        }
        return inputs.withLogWeights(GoldenVectors.array(manager, in.get("chosen_log_weights"), type),
                GoldenVectors.array(manager, in.required("rejected_log_weights"), type));
    }

    /**
     * LD-DPO: the weighted sums and the plain sums are leaves of their own (means derived from them);
     * reference sums as given (weighted or plain, as the case says).
     */
    private static LossInputs ldInputs(NDManager manager, JsonNode in, DataType type, Leaves leaves) {
        NDArray nc = GoldenVectors.array(manager, in.required("chosen_n_tokens"), type);
        NDArray nr = GoldenVectors.array(manager, in.required("rejected_n_tokens"), type);
        LossInputs inputs = new LossInputs(
                derived(leaves.leaf(manager, in, "policy_chosen_logps", type), nc),
                derived(leaves.leaf(manager, in, "policy_rejected_logps", type), nr),
                derived(GoldenVectors.array(manager, in.required("reference_chosen_logps"), type), nc),
                derived(GoldenVectors.array(manager, in.required("reference_rejected_logps"), type), nr));
        return withLogWeights(manager, inputs.withUnweighted(
                derived(leaves.leaf(manager, in, "policy_chosen_logps_plain", type), nc),
                derived(leaves.leaf(manager, in, "policy_rejected_logps_plain", type), nr)), in, type);
    }

    /**
     * TDPO's and Ra-DPO's inputs: log-prob margins m = Σ(log π − log π_ref) become the policy sums
     * (leaves) against zero reference sums, so that the loss's pc − rc is m exactly; the sequence
     * KLs and risks are leaves of their own ({@code grad_seq} covers those the loss reads; a detached
     * one gets a zero gradient).
     */
    private static LossInputs tokenStatisticInputs(NDManager manager, JsonNode in, DataType type, Leaves leaves) {
        NDArray mc = leaves.leaf(manager, in, "chosen_logps_margin", type);
        NDArray mr = leaves.leaf(manager, in, "rejected_logps_margin", type);
        // Ra-DPO's cases may leave the (logged-only) KLs out.
        NDArray kc = in.has("chosen_seq_kl") ? leaves.leaf(manager, in, "chosen_seq_kl", type) : null;
        NDArray kr = in.has("rejected_seq_kl") ? leaves.leaf(manager, in, "rejected_seq_kl", type) : null;
        NDArray ones = mc.onesLike();
        NDArray zeros = mc.zerosLike();
        LossInputs inputs = new LossInputs(
                new SequenceLogProbs(mc, mc.duplicate(), ones),
                new SequenceLogProbs(mr, mr.duplicate(), ones),
                new SequenceLogProbs(zeros, zeros, ones),
                new SequenceLogProbs(zeros, zeros, ones),
                kc, kr, null);
        if (in.has("chosen_seq_risk")) {
            inputs = inputs.withTokenRisk(leaves.leaf(manager, in, "chosen_seq_risk", type),
                    leaves.leaf(manager, in, "rejected_seq_risk", type));
        }
        return inputs;
    }

    /** D2O: the rejected sums (B) and the samples' sums (B, K) are leaves. */
    private static LossInputs d2oInputs(NDManager manager, JsonNode in, DataType type, Leaves leaves) {
        NDArray nl = GoldenVectors.array(manager, in.required("rejected_n_tokens"), type);
        NDArray ns = GoldenVectors.array(manager, in.required("sample_n_tokens"), type);
        SequenceLogProbs rejected = derived(leaves.leaf(manager, in, "policy_rejected_logps", type), nl);
        SequenceLogProbs rejectedRef = derived(GoldenVectors.array(manager, in.required("reference_rejected_logps"), type), nl);
        SequenceLogProbs samples = derived(leaves.leaf(manager, in, "policy_sample_logps", type), ns);
        SequenceLogProbs samplesRef = derived(GoldenVectors.array(manager, in.required("reference_sample_logps"), type), ns);
        return new LossInputs(null, rejected, null, rejectedRef).withSamples(samples, samplesRef);
    }

    /** WRPO: source chosen, target chosen and target rejected sums are leaves. */
    private static LossInputs wrpoInputs(NDManager manager, JsonNode in, DataType type, Leaves leaves) {
        SequenceLogProbs[] policy = new SequenceLogProbs[3];
        SequenceLogProbs[] reference = new SequenceLogProbs[3];
        String[] sides = {"source_chosen", "target_chosen", "target_rejected"};
        for (int i = 0; i < 3; i++) {
            NDArray n = GoldenVectors.array(manager, in.required(sides[i] + "_n_tokens"), type);
            policy[i] = derived(leaves.leaf(manager, in, "policy_" + sides[i] + "_logps", type), n);
            reference[i] = derived(GoldenVectors.array(manager, in.required("reference_" + sides[i] + "_logps"), type), n);
        }
        return new LossInputs(policy[1], policy[2], reference[1], reference[2]).withSourceChosen(policy[0], reference[0]);
    }

    /** Sequence log-probs whose mean is derived from the sum: sum / max(n, 1). */
    private static SequenceLogProbs derived(NDArray sum, NDArray count) {
        return new SequenceLogProbs(sum, sum.div(count.maximum(1)), count);
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
        JsonNode derived = GoldenVectors.logitsInput(c.folder(), c.logitsCase()).required("derived").required("chosen");
        NDArray sum = GoldenVectors.array(manager, derived.required("attended_logps_sum_policy"), type);
        NDArray count = GoldenVectors.array(manager, derived.required("attended_n_tokens"), type);
        return new SequenceLogProbs(sum, sum.div(count.maximum(1)), count);
    }

    /** Sum, mean and count as given; a policy's sum and mean are separate gradient leaves. */
    private static SequenceLogProbs seqLogProbs(
            NDManager manager, JsonNode in, String prefix, String side, DataType type, Leaves leaves) {
        NDArray sum = GoldenVectors.array(manager, in.required(prefix + "_logps"), type);
        NDArray mean = GoldenVectors.array(manager, in.required(prefix + "_logps_mean"), type);
        NDArray count = GoldenVectors.array(manager, in.required(side + "_n_tokens"), type);
        if (leaves != null) {
            String key = prefix + "_logps";
            sum.setRequiresGradient(true);
            mean.setRequiresGradient(true);
            leaves.sums.put(key, sum);
            leaves.means.put(key, mean);
            leaves.counts.put(key, count);
        }
        return new SequenceLogProbs(sum, mean, count);
    }

    // ---- logits level ---------------------------------------------------------------------

    /**
     * One group of rows (a side of a pair, or a D2O/WRPO group) after {@link SequenceStats}: plain
     * sequence log-probs, and what the loss needs besides: the sequence KL (TDPO), the sequence
     * risk (Ra-DPO), WPO's log weights, the log-probs over the attended tokens (ORPO's NLL).
     */
    private record Side(
            NDArray policyLogits,
            NDArray ids,
            NDArray mask,
            NDArray policyTokens,
            NDArray referenceTokens,
            SequenceLogProbs policy,
            SequenceLogProbs reference,
            NDArray seqKl,
            NDArray seqRisk,
            NDArray logWeights,
            SequenceLogProbs attended) {

        static Side compute(NDManager manager, JsonNode group, String prefix, DataType type, LossRequirements needs) {
            NDArray ids = GoldenVectors.longArray(manager, group.required(prefix + "input_ids"));
            NDArray mask = GoldenVectors.longArray(manager, group.required(prefix + "loss_mask"));
            NDArray policyLogits = GoldenVectors.array(manager, group.required(prefix + "policy_logits"), type);
            NDArray refLogits = GoldenVectors.array(manager, group.required(prefix + "ref_logits"), type);
            policyLogits.setRequiresGradient(true);
            NDArray policyTokens = SequenceStats.tokenLogProbs(policyLogits, ids);
            NDArray referenceTokens = SequenceStats.tokenLogProbs(refLogits, ids);
            return new Side(
                    policyLogits, ids, mask, policyTokens, referenceTokens,
                    SequenceStats.fromTokenLogProbs(policyTokens, mask),
                    SequenceStats.fromTokenLogProbs(referenceTokens, mask),
                    needs.tokenKl() ? SequenceStats.tokenKl(policyLogits, refLogits, ids, mask) : null,
                    needs.tokenRiskSums() ? SequenceStats.tokenRisk(policyLogits, refLogits, ids, mask, needs.tokenRisk()) : null,
                    needs.pairWeights() ? SequenceStats.wpoLogWeights(policyLogits, ids, mask) : null,
                    needs.attendedChosenLogProbs()
                            ? SequenceStats.logProbs(policyLogits, ids,
                                    GoldenVectors.longArray(manager, group.required(prefix + "attention_mask")))
                            : null);
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

    private record Run(Map<String, Side> groups, LossOutput out, LengthDesensitization.Weights ldWeights) {}

    private static void checkLogitsLevel(
            NDManager manager, PreferenceLoss loss, GoldenCase c, DataType type, Closeness check) {
        JsonNode input = GoldenVectors.logitsInput(c.folder(), c.logitsCase());
        Run run = Autograd.backward(() -> {
            LossRequirements needs = loss.requirements();
            Side chosen = Side.compute(manager, input, "chosen_", type, needs);
            Side rejected = Side.compute(manager, input, "rejected_", type, needs);
            LossInputs inputs = new LossInputs(
                    chosen.policy(), rejected.policy(), chosen.reference(), rejected.reference(),
                    chosen.seqKl(), rejected.seqKl(), chosen.attended());
            LengthDesensitization.Weights ld = null;
            LengthDesensitization lengths = needs.lengthDesensitization();
            if (lengths != null) {
                ld = lengths.weights(chosen.mask(), rejected.mask(), chosen.policyTokens());
                SequenceLogProbs rc = lengths.weightReference()
                        ? SequenceStats.fromTokenLogProbs(chosen.referenceTokens(), chosen.mask(), ld.chosen())
                        : chosen.reference();
                SequenceLogProbs rr = lengths.weightReference()
                        ? SequenceStats.fromTokenLogProbs(rejected.referenceTokens(), rejected.mask(), ld.rejected())
                        : rejected.reference();
                inputs = new LossInputs(
                        SequenceStats.fromTokenLogProbs(chosen.policyTokens(), chosen.mask(), ld.chosen()),
                        SequenceStats.fromTokenLogProbs(rejected.policyTokens(), rejected.mask(), ld.rejected()),
                        rc, rr, chosen.seqKl(), rejected.seqKl(), chosen.attended())
                        .withUnweighted(chosen.policy(), rejected.policy());
            }
            if (needs.pairWeights()) {
                inputs = inputs.withLogWeights(chosen.logWeights(), rejected.logWeights());
            }
            if (needs.tokenRiskSums()) {
                inputs = inputs.withTokenRisk(chosen.seqRisk(), rejected.seqRisk());
            }
            Map<String, Side> groups = new LinkedHashMap<>();
            groups.put("chosen", chosen);
            groups.put("rejected", rejected);
            return new Run(groups, loss.compute(inputs), ld);
        }, r -> r.out().loss());

        JsonNode derived = input.required("derived");
        run.groups().forEach((side, s) -> s.checkDerived(side, derived.required(side), check));
        checkOutput("logits", run.out(), c.expected(), check);
        checkLogitsExtras(run, c.expected().path("extras"), check);
        JsonNode grad = c.expected().required("grad_policy_logits");
        run.groups().forEach((side, s) ->
                check.gradient("logits: grad_policy_logits." + side, Autograd.gradient(s.policyLogits()), grad.required(side)));
    }

    /** The golden extras that check intermediate quantities: LD weights, WPO log weights, Ra-DPO risks. */
    private static void checkLogitsExtras(Run run, JsonNode extras, Closeness check) {
        Side chosen = run.groups().get("chosen");
        Side rejected = run.groups().get("rejected");
        if (run.ldWeights() != null && extras.has("chosen_token_weights")) {
            check.values("logits: extras.chosen_token_weights", run.ldWeights().chosen(), extras.get("chosen_token_weights"));
            check.values("logits: extras.rejected_token_weights", run.ldWeights().rejected(),
                    extras.required("rejected_token_weights"));
        }
        if (chosen.logWeights() != null && extras.has("chosen_log_weights")) {
            check.values("logits: extras.chosen_log_weights", chosen.logWeights(), extras.get("chosen_log_weights"));
            check.values("logits: extras.rejected_log_weights", rejected.logWeights(), extras.required("rejected_log_weights"));
            check.values("logits: extras.pair_weights", run.out().extraMetrics().get("wpo/pair_weight"),
                    extras.required("pair_weights"));
        }
        if (chosen.seqRisk() != null && extras.has("chosen_seq_risk")) {
            check.values("logits: extras.chosen_seq_risk", chosen.seqRisk(), extras.get("chosen_seq_risk"));
            check.values("logits: extras.rejected_seq_risk", rejected.seqRisk(), extras.required("rejected_seq_risk"));
        }
    }

    /** D2O and WRPO cases: every group of the multi-completion input through {@link SequenceStats}. */
    private static void checkMultiLevel(
            NDManager manager, PreferenceLoss loss, GoldenCase c, DataType type, Closeness check) {
        JsonNode input = GoldenVectors.multiInput(c.folder(), c.multiCase());
        List<String> names = new ArrayList<>();
        input.required("group_names").forEach(n -> names.add(n.asText()));
        Run run = Autograd.backward(() -> {
            Map<String, Side> groups = new LinkedHashMap<>();
            for (String name : names) {
                groups.put(name, Side.compute(manager, input.required("groups").required(name), "", type,
                        LossRequirements.POLICY_AND_REFERENCE));
            }
            LossInputs inputs;
            if (groups.containsKey("source_chosen")) {
                Side source = groups.get("source_chosen");
                Side chosen = groups.get("target_chosen");
                Side rejected = groups.get("target_rejected");
                inputs = new LossInputs(chosen.policy(), rejected.policy(), chosen.reference(), rejected.reference())
                        .withSourceChosen(source.policy(), source.reference());
            } else {
                Side rejected = groups.get("rejected");
                List<Side> samples = groups.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("sample_")).map(Map.Entry::getValue).toList();
                inputs = new LossInputs(null, rejected.policy(), null, rejected.reference())
                        .withSamples(stack(samples, true), stack(samples, false));
            }
            return new Run(groups, loss.compute(inputs), null);
        }, r -> r.out().loss());

        run.groups().forEach((name, s) -> s.checkDerived(name, input.required("groups").required(name).required("derived"), check));
        checkOutput("logits", run.out(), c.expected(), check);
        JsonNode grad = c.expected().required("grad_policy_logits");
        run.groups().forEach((name, s) ->
                check.gradient("logits: grad_policy_logits." + name, Autograd.gradient(s.policyLogits()), grad.required(name)));
    }

    /** The samples' statistics side by side, each (B, K). */
    private static SequenceLogProbs stack(List<Side> samples, boolean policy) {
        NDList sums = new NDList();
        NDList means = new NDList();
        NDList counts = new NDList();
        for (Side s : samples) {
            SequenceLogProbs p = policy ? s.policy() : s.reference();
            sums.add(p.sum());
            means.add(p.mean());
            counts.add(p.tokenCount());
        }
        return new SequenceLogProbs(NDArrays.stack(sums, 1), NDArrays.stack(means, 1), NDArrays.stack(counts, 1));
    }

    // ---- both levels ----------------------------------------------------------------------

    private static void checkOutput(String level, LossOutput out, JsonNode expected, Closeness check) {
        check.values(level + ": losses", out.pairLosses(), expected.required("losses"));
        check.values(level + ": chosen_rewards", out.chosenRewards(), expected.required("chosen_rewards"));
        check.values(level + ": rejected_rewards", out.rejectedRewards(), expected.required("rejected_rewards"));
        check.values(level + ": mean_loss", out.loss(), expected.required("mean_loss"));
        // The NLL term (dpo_rpo, cpo, orpo, sft terms), reported as the metric nll_loss (the batch value per pair).
        if (expected.path("nll_loss").isNumber() && out.extraMetrics().containsKey("nll_loss")) {
            NDArray nll = out.extraMetrics().get("nll_loss");
            check.values(level + ": nll_loss", nll.get(0), expected.get("nll_loss"));
            check.values(level + ": nll_loss (every pair)", nll.sub(nll.get(0)),
                    GoldenVectors.zerosLike(expected.required("losses")));
        }
        JsonNode extras = expected.path("extras");
        // ORPO's log-odds, reported under TRL's metric name.
        if (extras.has("log_odds") && out.extraMetrics().containsKey("log_odds_chosen")) {
            check.values(level + ": extras.log_odds", out.extraMetrics().get("log_odds_chosen"), extras.get("log_odds"));
        }
        // D2O's and WRPO's per-completion rewards.
        if (extras.has("negative_reward") && out.extraMetrics().containsKey("rewards/negative")) {
            check.values(level + ": extras.negative_reward", out.extraMetrics().get("rewards/negative"),
                    extras.get("negative_reward"));
        }
        if (extras.has("source_chosen_rewards") && out.extraMetrics().containsKey("rewards/source_chosen")) {
            check.values(level + ": extras.source_chosen_rewards", out.extraMetrics().get("rewards/source_chosen"),
                    extras.get("source_chosen_rewards"));
            check.values(level + ": extras.target_chosen_rewards", out.extraMetrics().get("rewards/target_chosen"),
                    extras.required("target_chosen_rewards"));
        }
    }
}
