package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.dpo4j.losses.BcoPairLoss.BcoDelta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Properties of the sequence-level losses (the DPO family, IPO, the TRL variants, SimPO, CPO) that
 * hold for any input, each with its derivation. Inputs are sequence statistics, B = 4.
 */
class SequenceLossInvariantsTest {

    private static final double LN2 = Math.log(2);

    /** A loss with the per-pair value it must take when policy == reference, and a label. */
    private record AtIdentity(String label, Supplier<PreferenceLoss> loss, double expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * Policy == reference makes sc = pc − rc = 0 and sr = 0 exactly (x − x = 0 in IEEE arithmetic),
     * hence h = 0, h_n = 0 and every sorted difference d = 0. Then, with z = β·h = 0:
     *
     * <pre>
     *   dpo, cdpo:     (1 − ε)·softplus(0) + ε·softplus(0) = ln 2
     *   robust:        ((1 − ε)·ln 2 − ε·ln 2)/(1 − 2ε) = ln 2
     *   sigmoid_norm, hdpo with α = 1 (z = 1·(pc − pr) − (rc − rr) = 0), aot, aot_pair: ln 2
     *   hinge:         max(0, 1 − 0) = 1
     *   ipo, ipo_sum:  (0 − 1/(2β))² = 1/(4β²);   sppo_hard: 2/(4β²)
     *   exo_pair:      ½(log ½ − log(1 − ε)) + ½(log ½ − log ε) = −ln 2 − ½·log(ε(1 − ε))
     *   nca_pair:      softplus(0) + ½ softplus(0) + ½ softplus(0) = 2 ln 2;  bco_pair (δ = 0): 2 ln 2
     *   apo_zero:      σ(0) + σ(0) = 1;  apo_down: σ(0) + σ(0) = 1
     *   discopop:      m = σ(0) = ½: ½·ln 2 + ½·e⁰ = (ln 2 + 1)/2
     * </pre>
     *
     * and every implicit reward β·(log π − log π_ref) (H-DPO: β·(α·log π − log π_ref) with α = 1) is 0.
     * The tolerance covers the rounding of the few operations after z = 0 (a few ulps).
     */
    static Stream<AtIdentity> identityCases() {
        double beta = 0.3;
        double eps = 0.2;
        return Stream.of(
                new AtIdentity("dpo", () -> new DpoSigmoidLoss(beta), LN2),
                new AtIdentity("cdpo", () -> new DpoSigmoidLoss(beta, eps), LN2),
                new AtIdentity("robust", () -> new RobustDpoLoss(beta, eps), LN2),
                new AtIdentity("sigmoid_norm", () -> new SigmoidNormLoss(beta), LN2),
                new AtIdentity("hdpo alpha=1", () -> new HDpoLoss(beta, 1.0), LN2),
                new AtIdentity("aot", () -> new AotLoss(beta, eps, false), LN2),
                new AtIdentity("aot_pair", () -> new AotLoss(beta, eps, true), LN2),
                new AtIdentity("hinge", () -> new HingeLoss(beta), 1),
                new AtIdentity("ipo", () -> new IpoLoss(beta, true), 1 / (4 * beta * beta)),
                new AtIdentity("ipo_sum", () -> new IpoLoss(beta, false), 1 / (4 * beta * beta)),
                new AtIdentity("sppo_hard", () -> new SppoHardLoss(beta), 2 / (4 * beta * beta)),
                new AtIdentity("exo_pair", () -> new ExoPairLoss(beta, eps), -LN2 - 0.5 * Math.log(eps * (1 - eps))),
                new AtIdentity("nca_pair", () -> new NcaPairLoss(beta), 2 * LN2),
                new AtIdentity("bco_pair zero", () -> new BcoPairLoss(beta, BcoDelta.ZERO), 2 * LN2),
                new AtIdentity("apo_zero", () -> new ApoZeroLoss(beta), 1),
                new AtIdentity("apo_down", () -> new ApoDownLoss(beta), 1),
                new AtIdentity("discopop", () -> new DiscoPopLoss(beta, 0.05), (LN2 + 1) / 2));
    }

    static Stream<Arguments> identityCasesByPrecision() {
        return identityCases().flatMap(c -> Arrays.stream(Precision.values()).map(p -> Arguments.of(c, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("identityCasesByPrecision")
    void policyEqualToReference(AtIdentity c, Precision precision) {
        double tol = precision == Precision.FLOAT32 ? 4e-7 * Math.max(1, Math.abs(c.expected())) : 1e-15 * Math.max(1, Math.abs(c.expected()));
        try (NDManager manager = NDManager.newBaseManager()) {
            double[] chosen = {-3.25, -17.5, -0.75, -41.0};
            double[] rejected = {-9.0, -2.5, -33.25, -12.0};
            LossOutput out = c.loss().get().compute(new LossInputs(
                    seq(manager, chosen, precision.type, true), seq(manager, rejected, precision.type, true),
                    seq(manager, chosen, precision.type, false), seq(manager, rejected, precision.type, false)));
            for (double loss : Autograd.doubles(out.pairLosses())) {
                assertEquals(c.expected(), loss, tol, "pair loss");
            }
            assertEquals(c.expected(), Autograd.doubles(out.loss())[0], tol, "mean loss");
            assertArrayEquals(new double[4], Autograd.doubles(out.chosenRewards()), 0.0, "chosen rewards");
            assertArrayEquals(new double[4], Autograd.doubles(out.rejectedRewards()), 0.0, "rejected rewards");
        }
    }

    /**
     * Every loss and its gradient are finite in float32 at the stress magnitudes of the golden
     * README (|β·h| up to 1000 and more), where naive formulas give inf or NaN: log-ratios ±1000
     * (sc = ±1000, sr = ∓1000, so h = ±2000), β = 0.5, per-token means ±250 (4 tokens). DiscoPOP is
     * also run with τ = 2, where its exponent is clamped (z = −1000: log σ(−500) + 1000 = 500 > 50).
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void finiteAtStressMagnitudes(Precision precision) {
        double beta = 0.5;
        List<PreferenceLoss> losses = new ArrayList<>(allLosses(beta));
        losses.add(new DiscoPopLoss(beta, 2.0));
        for (PreferenceLoss loss : losses) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SequenceLogProbs pc = seq(manager, new double[] {-5, -1005, -5, -1005}, precision.type, true);
                SequenceLogProbs pr = seq(manager, new double[] {-1005, -5, -5, -1005}, precision.type, true);
                SequenceLogProbs rc = seq(manager, new double[] {-1005, -5, -1005, -5}, precision.type, false);
                SequenceLogProbs rr = seq(manager, new double[] {-5, -1005, -1005, -5}, precision.type, false);
                LossOutput out = Autograd.backward(
                        () -> loss.compute(new LossInputs(pc, pr, rc, rr)), LossOutput::loss);
                List<NDArray> everything = new ArrayList<>(List.of(out.loss(), out.pairLosses(), out.chosenRewards(),
                        out.rejectedRewards(), Autograd.gradient(pc.sum()), Autograd.gradient(pr.sum()),
                        Autograd.gradient(pc.mean()), Autograd.gradient(pr.mean())));
                everything.addAll(out.extraMetrics().values());
                for (NDArray a : everything) {
                    double[] x = Autograd.doubles(a);
                    assertTrue(Arrays.stream(x).allMatch(Double::isFinite),
                            loss + ": non-finite " + Arrays.toString(x));
                }
                assertEquals(precision.type, out.loss().getDataType(), loss + ": scalar dtype");
                assertEquals(precision.type, out.pairLosses().getDataType(), loss + ": pair loss dtype");
            }
        }
    }

    /**
     * The label-smoothed losses at their stress extremes. z = β·h = ±1000:
     * cDPO (ε = 0.1): (1 − ε)·softplus(∓1000) + ε·softplus(±1000) → z = +1000: 0.1·1000 = 100;
     * z = −1000: 0.9·1000 = 900. rDPO: ((1 − ε)·softplus(−z) − ε·softplus(z))/(1 − 2ε) → z = +1000:
     * −100/0.8 = −125; z = −1000: 900/0.8 = 1125. Exact in float64 up to rounding of ε.
     */
    @Test
    void smoothedLossesAtPlusMinus1000() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // pair 0: h = +2000, pair 1: h = −2000; β = 0.5 → z = ±1000
            LossInputs in = new LossInputs(
                    seq(manager, new double[] {-5, -1005}, DataType.FLOAT64, true),
                    seq(manager, new double[] {-1005, -5}, DataType.FLOAT64, true),
                    seq(manager, new double[] {-1005, -5}, DataType.FLOAT64, false),
                    seq(manager, new double[] {-5, -1005}, DataType.FLOAT64, false));
            assertArrayEquals(new double[] {100, 900},
                    Autograd.doubles(new DpoSigmoidLoss(0.5, 0.1).compute(in).pairLosses()), 1e-12);
            assertArrayEquals(new double[] {-125, 1125},
                    Autograd.doubles(new RobustDpoLoss(0.5, 0.1).compute(in).pairLosses()), 1e-12);
        }
    }

    /**
     * H-DPO with α = 1 is DPO: z = 1·(pc − pr) − (rc − rr) = (pc − rc) − (pr − rr) = h, and its rewards
     * β·(1·log π − log π_ref) are DPO's. Values and gradients agree to rounding (the two sums are
     * associated differently).
     */
    @Test
    void hdpoWithAlphaOneIsDpo() {
        double[][] dpo = lossAndGradients(new DpoSigmoidLoss(0.2));
        double[][] hdpo = lossAndGradients(new HDpoLoss(0.2, 1.0));
        for (int i = 0; i < dpo.length; i++) {
            assertArrayEquals(dpo[i], hdpo[i], 1e-13, "output " + i);
        }
    }

    /** DpoSigmoidLoss(β) is DpoSigmoidLoss(β, 0), bit for bit. */
    @Test
    void dpoIsCdpoWithZeroSmoothing() {
        double[][] plain = lossAndGradients(new DpoSigmoidLoss(0.2));
        double[][] smoothed = lossAndGradients(new DpoSigmoidLoss(0.2, 0.0));
        for (int i = 0; i < plain.length; i++) {
            assertArrayEquals(plain[i], smoothed[i], 0.0, "output " + i);
        }
        assertEquals(new DpoSigmoidLoss(0.2), new DpoSigmoidLoss(0.2, 0.0));
    }

    /**
     * AOT's per-rank losses depend on the batch only through the sorted margins, so permuting the
     * pairs leaves them unchanged, bit for bit, while the rewards are permuted with the pairs.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aotLossesArePermutationInvariant(boolean paired) {
        double[] pc = {-3.25, -17.5, -0.75, -41.0};
        double[] pr = {-9.0, -2.5, -33.25, -12.0};
        double[] rc = {-4.0, -15.0, -2.5, -40.0};
        double[] rr = {-8.5, -3.0, -30.0, -14.5};
        int[] perm = {2, 0, 3, 1};
        AotLoss loss = new AotLoss(0.3, 0.1, paired);
        try (NDManager manager = NDManager.newBaseManager()) {
            LossOutput a = loss.compute(inputs(manager, pc, pr, rc, rr));
            LossOutput b = loss.compute(inputs(manager, permute(pc, perm), permute(pr, perm), permute(rc, perm),
                    permute(rr, perm)));
            assertArrayEquals(Autograd.doubles(a.pairLosses()), Autograd.doubles(b.pairLosses()), 0.0);
            assertArrayEquals(permute(Autograd.doubles(a.chosenRewards()), perm), Autograd.doubles(b.chosenRewards()), 0.0);
        }
    }

    /**
     * bco_pair with the running-mean δ: call k uses δ_k = (m_1 + … + m_k)/k, where m_k is the mean
     * of the 2B detached rewards β·sc, β·sr of call k; the loss is softplus(δ − β·sc) + softplus(β·sr − δ).
     * Checked against a Java double computation over three batches; with δ = 0 nothing is kept.
     */
    @Test
    void bcoRunningMeanAveragesBatchMeansAcrossCalls() {
        double beta = 0.5;
        double[][][] batches = {
            {{-3, -10}, {-8, -4}, {-4, -9}, {-7, -5}},
            {{-1, -2, -3}, {-2, -2, -1}, {-1.5, -2.5, -2}, {-2, -1, -2}},
            {{-20}, {-30}, {-10}, {-25}}};
        BcoPairLoss running = new BcoPairLoss(beta, BcoDelta.RUNNING_MEAN);
        BcoPairLoss zero = new BcoPairLoss(beta, BcoDelta.ZERO);
        double sumOfMeans = 0;
        for (int k = 0; k < batches.length; k++) {
            double[] pc = batches[k][0], pr = batches[k][1], rc = batches[k][2], rr = batches[k][3];
            int n = pc.length;
            double batchMean = 0;
            for (int i = 0; i < n; i++) {
                batchMean += beta * (pc[i] - rc[i]) + beta * (pr[i] - rr[i]);
            }
            batchMean /= 2 * n;
            sumOfMeans += batchMean;
            double delta = sumOfMeans / (k + 1);
            try (NDManager manager = NDManager.newBaseManager()) {
                double[] actual = Autograd.doubles(running.compute(inputs(manager, pc, pr, rc, rr)).pairLosses());
                double[] plain = Autograd.doubles(zero.compute(inputs(manager, pc, pr, rc, rr)).pairLosses());
                for (int i = 0; i < n; i++) {
                    double a = beta * (pc[i] - rc[i]);
                    double c = beta * (pr[i] - rr[i]);
                    assertEquals(softplus(delta - a) + softplus(c - delta), actual[i], 1e-13, "call " + k + " pair " + i);
                    assertEquals(softplus(-a) + softplus(c), plain[i], 1e-13, "delta zero, call " + k);
                }
            }
            assertEquals(delta, running.currentDelta(), 1e-15, "delta after call " + k);
            assertEquals(0.0, zero.currentDelta(), 0.0);
        }
    }

    /**
     * A checkpoint of bco_pair's running mean: a new instance given the state after two calls
     * computes the third call bit for bit as the instance that made all three (same δ, same
     * losses), while a fresh one uses δ = m_3 instead and differs. The state is (mean, calls).
     */
    @Test
    void bcoStateRestoredContinuesExactly() {
        double beta = 0.5;
        double[][][] batches = {
            {{-3, -10}, {-8, -4}, {-4, -9}, {-7, -5}},
            {{-1, -2, -3}, {-2, -2, -1}, {-1.5, -2.5, -2}, {-2, -1, -2}},
            {{-20}, {-30}, {-10}, {-25}}};
        BcoPairLoss original = new BcoPairLoss(beta, BcoDelta.RUNNING_MEAN);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int k = 0; k < 2; k++) {
                original.compute(inputs(manager, batches[k][0], batches[k][1], batches[k][2], batches[k][3]));
            }
            java.util.Map<String, Double> state = original.state();
            assertEquals(List.of("running_mean", "calls"), List.copyOf(state.keySet()));
            assertEquals(2.0, state.get("calls"));
            assertEquals(original.currentDelta(), state.get("running_mean"), 0.0);

            BcoPairLoss restored = new BcoPairLoss(beta, BcoDelta.RUNNING_MEAN);
            restored.restoreState(state);
            BcoPairLoss fresh = new BcoPairLoss(beta, BcoDelta.RUNNING_MEAN);
            double[][] third = batches[2];
            double[] expected = Autograd.doubles(original.compute(inputs(manager, third[0], third[1], third[2], third[3])).pairLosses());
            double[] resumed = Autograd.doubles(restored.compute(inputs(manager, third[0], third[1], third[2], third[3])).pairLosses());
            double[] restarted = Autograd.doubles(fresh.compute(inputs(manager, third[0], third[1], third[2], third[3])).pairLosses());
            assertArrayEquals(expected, resumed, 0.0);
            assertEquals(original.currentDelta(), restored.currentDelta(), 0.0);
            assertTrue(expected[0] != restarted[0], "a fresh instance would use delta = m_3 alone");
            assertThrows(IllegalArgumentException.class, () -> restored.restoreState(java.util.Map.of("calls", 1.5, "running_mean", 0.0)));
        }
    }

    /** SimPO and CPO need no reference pass: they run with the reference fields null. */
    @Test
    void referenceFreeLossesIgnoreTheReference() {
        for (PreferenceLoss loss : List.of(new SimPoLoss(2.0, 0.5, 0.1), new CpoLoss(0.1, 0.0, 1.0))) {
            assertEquals(LossRequirements.POLICY_ONLY, loss.requirements(), loss.name());
            try (NDManager manager = NDManager.newBaseManager()) {
                double[] pc = {-3.25, -17.5, -0.75, -41.0};
                double[] pr = {-9.0, -2.5, -33.25, -12.0};
                LossInputs withRef = inputs(manager, pc, pr, new double[] {-1, -2, -3, -4}, new double[] {-5, -6, -7, -8});
                LossInputs noRef = new LossInputs(withRef.policyChosen(), withRef.policyRejected(), null, null);
                assertNull(noRef.referenceChosen());
                assertArrayEquals(Autograd.doubles(loss.compute(withRef).pairLosses()),
                        Autograd.doubles(loss.compute(noRef).pairLosses()), 0.0, loss.name());
            }
        }
    }

    /**
     * CPO's scalar is mean(losses) + α·NLL with NLL = −Σ pc / Σ n (all 4 tokens here): pc = (−8, −4),
     * n = (4, 4) → NLL = 12/8 = 1.5; the per-pair losses do not include it.
     */
    @Test
    void cpoAddsTheTokenMeanNllOfTheChosen() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LossInputs in = inputs(manager, new double[] {-8, -4}, new double[] {-6, -9}, null, null);
            LossOutput without = new CpoLoss(0.1, 0.0, 0.0).compute(in);
            LossOutput with = new CpoLoss(0.1, 0.0, 2.0).compute(in);
            assertArrayEquals(Autograd.doubles(without.pairLosses()), Autograd.doubles(with.pairLosses()), 0.0);
            assertEquals(Autograd.doubles(without.loss())[0] + 2 * 1.5, Autograd.doubles(with.loss())[0], 1e-15);
            assertArrayEquals(new double[] {1.5, 1.5}, Autograd.doubles(with.extraMetrics().get("nll_loss")), 1e-15);
        }
    }

    /** name() is the config type; requirements match the reference use. */
    @Test
    void namesAndRequirements() {
        List<String> names = allLosses(0.1).stream().map(PreferenceLoss::name).toList();
        assertEquals(List.of("dpo", "dpo", "robust", "ipo", "ipo_sum", "sigmoid_norm", "dpo_reference_free", "hinge",
                "exo_pair", "nca_pair", "bco_pair", "bco_pair", "sppo_hard", "aot", "aot_pair", "apo_zero", "apo_down",
                "discopop", "hdpo", "simpo", "cpo"), names);
        for (PreferenceLoss loss : allLosses(0.1)) {
            boolean referenceFree = loss instanceof SimPoLoss || loss instanceof CpoLoss;
            assertEquals(!referenceFree, loss.requirements().referenceLogProbs(), loss.name());
            assertTrue(!loss.requirements().tokenKl() && !loss.requirements().attendedChosenLogProbs(), loss.name());
        }
    }

    /** Out-of-range hyper-parameters are refused with the parameter's name. */
    @Test
    void invalidHyperParametersAreRefused() {
        List<Runnable> bad = List.of(
                () -> new DpoSigmoidLoss(0.0), () -> new DpoSigmoidLoss(0.1, 0.6), () -> new DpoSigmoidLoss(0.1, -0.1),
                () -> new RobustDpoLoss(0.1, 0.5), () -> new ExoPairLoss(0.1, 0.0), () -> new ExoPairLoss(0.1, 1.0),
                () -> new IpoLoss(Double.NaN, true), () -> new DiscoPopLoss(0.1, 0.0), () -> new HDpoLoss(0.1, 0.0),
                () -> new SimPoLoss(2.0, Double.POSITIVE_INFINITY, 0.0), () -> new CpoLoss(0.1, 0.0, -1.0),
                () -> new BcoPairLoss(0.1, null), () -> new HingeLoss(Double.POSITIVE_INFINITY));
        for (Runnable r : bad) {
            assertThrows(IllegalArgumentException.class, r::run);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** One instance of every sequence-level loss of this family, with common hyper-parameters. */
    static List<PreferenceLoss> allLosses(double beta) {
        return List.of(
                new DpoSigmoidLoss(beta), new DpoSigmoidLoss(beta, 0.1), new RobustDpoLoss(beta, 0.1),
                new IpoLoss(beta, true), new IpoLoss(beta, false), new SigmoidNormLoss(beta),
                new ReferenceFreeDpoLoss(beta), new HingeLoss(beta), new ExoPairLoss(beta, 1e-3), new NcaPairLoss(beta),
                new BcoPairLoss(beta, BcoDelta.ZERO), new BcoPairLoss(beta, BcoDelta.RUNNING_MEAN),
                new SppoHardLoss(beta), new AotLoss(beta, 0.1, false), new AotLoss(beta, 0.1, true),
                new ApoZeroLoss(beta), new ApoDownLoss(beta), new DiscoPopLoss(beta, 0.05), new HDpoLoss(beta, 0.95),
                new SimPoLoss(beta, 0.5, 0.1), new CpoLoss(beta, 0.1, 1.0));
    }

    /**
     * Loss, pair losses, rewards and the gradients w.r.t. the policy sums and means, on a fixed
     * float64 batch.
     */
    private static double[][] lossAndGradients(PreferenceLoss loss) {
        try (NDManager manager = NDManager.newBaseManager()) {
            LossInputs in = inputs(manager, new double[] {-3.25, -17.5, -0.75}, new double[] {-9.0, -2.5, -33.25},
                    new double[] {-4.0, -15.0, -2.5}, new double[] {-8.5, -3.0, -30.0});
            LossOutput out = Autograd.backward(() -> loss.compute(in), LossOutput::loss);
            return new double[][] {
                Autograd.doubles(out.loss()), Autograd.doubles(out.pairLosses()),
                Autograd.doubles(out.chosenRewards()), Autograd.doubles(out.rejectedRewards()),
                Autograd.doubles(Autograd.gradient(in.policyChosen().sum())),
                Autograd.doubles(Autograd.gradient(in.policyRejected().sum())),
                Autograd.doubles(Autograd.gradient(in.policyChosen().mean())),
                Autograd.doubles(Autograd.gradient(in.policyRejected().mean()))};
        }
    }

    /** float64 inputs with 4 tokens per row; reference arrays may be null. */
    private static LossInputs inputs(NDManager manager, double[] pc, double[] pr, double[] rc, double[] rr) {
        return new LossInputs(
                seq(manager, pc, DataType.FLOAT64, true), seq(manager, pr, DataType.FLOAT64, true),
                rc == null ? null : seq(manager, rc, DataType.FLOAT64, false),
                rr == null ? null : seq(manager, rr, DataType.FLOAT64, false));
    }

    /** Sequence stats with 4 tokens per row (mean = sum/4, exact); the policy's sum and mean are leaves. */
    private static SequenceLogProbs seq(NDManager manager, double[] sums, DataType type, boolean policy) {
        double[] means = Arrays.stream(sums).map(s -> s / 4).toArray();
        double[] counts = new double[sums.length];
        Arrays.fill(counts, 4);
        NDArray sum = manager.create(sums).toType(type, false);
        NDArray mean = manager.create(means).toType(type, false);
        if (policy) {
            sum.setRequiresGradient(true);
            mean.setRequiresGradient(true);
        }
        return new SequenceLogProbs(sum, mean, manager.create(counts).toType(type, false));
    }

    private static double[] permute(double[] x, int[] perm) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[perm[i]];
        }
        return y;
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
