package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** f-DPO's invariants, for every divergence, without golden vectors. */
class FDpoLossTest {

    static Divergence[] divergences() {
        return Divergence.NAMES.stream().map(n -> Divergence.named(n, 0.5)).toArray(Divergence[]::new);
    }

    /** Seeded summed log-probs of 6 pairs with log-ratios of a few units (and one of ±40). */
    private static double[][] randomLogProbs(long seed) {
        Random random = new Random(seed);
        double[][] x = new double[4][6];
        for (double[] row : x) {
            for (int b = 0; b < row.length; b++) {
                row[b] = -20 + 4 * random.nextGaussian();
            }
        }
        x[0][5] = -1;  // chosen log-ratio ≈ +40 ...
        x[2][5] = -41;
        x[1][4] = -60; // ... and a rejected one ≈ −40
        x[3][4] = -20;
        return x;
    }

    /**
     * Reverse KL's score is the log-ratio itself, so f-DPO performs DPO's operations on the same
     * arrays: every output and gradient is bitwise equal to {@link DpoSigmoidLoss}'s.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void reverseKlIsDpoExactly(Precision precision) {
        double[][] x = randomLogProbs(3);
        for (double beta : new double[] {0.1, 0.5, 3}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                PairInputs a = PairInputs.of(manager, precision.type, 5, x[0], x[1], x[2], x[3]);
                PairInputs b = PairInputs.of(manager, precision.type, 5, x[0], x[1], x[2], x[3]);
                LossOutput f = a.backward(new FDpoLoss(beta, new ReverseKl()));
                LossOutput d = b.backward(new DpoSigmoidLoss(beta));
                assertBitwiseEqual(d, f);
                assertArrayEquals(b.gradChosen(), a.gradChosen(), 0.0);
                assertArrayEquals(b.gradRejected(), a.gradRejected(), 0.0);
            }
        }
    }

    /** α = 1: ψ(s) = −e^{−1·s}/1 is the same array as forward KL's −e^{−s}, bit for bit. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void alphaOneIsForwardKlExactly(Precision precision) {
        double[][] x = randomLogProbs(4);
        try (NDManager manager = NDManager.newBaseManager()) {
            PairInputs a = PairInputs.of(manager, precision.type, 5, x[0], x[1], x[2], x[3]);
            PairInputs b = PairInputs.of(manager, precision.type, 5, x[0], x[1], x[2], x[3]);
            LossOutput alpha = a.backward(new FDpoLoss(0.2, new AlphaDivergence(1)));
            LossOutput forward = b.backward(new FDpoLoss(0.2, new ForwardKl()));
            assertBitwiseEqual(forward, alpha);
            assertArrayEquals(b.gradChosen(), a.gradChosen(), 0.0);
            assertArrayEquals(b.gradRejected(), a.gradRejected(), 0.0);
        }
    }

    /**
     * α → 0 tends to reverse KL. Taylor with Lagrange remainder:
     * z_α = (e^{−α·sr} − e^{−α·sc})/α = (sc − sr) − α·(sc² − sr²)/2 + R with
     * |R| ≤ α²·(|sc|³ + |sr|³)·e^{α·max(|sc|, |sr|)}/6, and |∂loss/∂z| ≤ β, so
     * |loss_α − loss_DPO| ≤ β·(α·|sc² − sr²|/2 + |R|) per pair (pair 3 has sc² = sr²: second order
     * only). The worst error must also shrink at least 5× per 10× smaller α.
     */
    @Test
    void alphaToZeroApproachesReverseKl() {
        double beta = 0.5;
        double[] sc = {2.0, -1.5, 0.3, 4.0, -3.0};
        double[] sr = {-1.0, 0.5, 0.1, -4.0, 2.5};
        double[] zeros = new double[sc.length];
        double previous = Double.POSITIVE_INFINITY;
        try (NDManager manager = NDManager.newBaseManager()) {
            PairInputs in = PairInputs.of(manager, DataType.FLOAT64, 3, sc, sr, zeros, zeros);
            double[] dpo = Autograd.doubles(new FDpoLoss(beta, new ReverseKl()).compute(in.inputs()).pairLosses());
            for (double alpha : new double[] {1e-2, 1e-3, 1e-4, 1e-5}) {
                double[] losses = Autograd.doubles(new FDpoLoss(beta, new AlphaDivergence(alpha)).compute(in.inputs()).pairLosses());
                double worst = 0;
                for (int b = 0; b < sc.length; b++) {
                    double diff = Math.abs(losses[b] - dpo[b]);
                    double big = Math.max(Math.abs(sc[b]), Math.abs(sr[b]));
                    double rest = alpha * alpha * (Math.pow(Math.abs(sc[b]), 3) + Math.pow(Math.abs(sr[b]), 3))
                            * Math.exp(alpha * big) / 6;
                    double bound = beta * (alpha * Math.abs(sc[b] * sc[b] - sr[b] * sr[b]) / 2 + rest);
                    assertTrue(diff <= bound + 1e-13, "alpha " + alpha + " pair " + b + ": " + diff + " > " + bound);
                    worst = Math.max(worst, diff);
                }
                assertTrue(worst < previous / 5, "no linear convergence at alpha " + alpha + ": " + worst);
                previous = worst;
            }
        }
    }

    /** Policy = reference: sc = sr = 0, z = ψ(0) − ψ(0) = 0 exactly, loss ln 2 for every divergence. */
    @ParameterizedTest
    @MethodSource("divergences")
    void policyEqualToReferenceGivesLn2(Divergence divergence) {
        double[] logps = {-3, -7.25, -11};
        try (NDManager manager = NDManager.newBaseManager()) {
            PairInputs in = PairInputs.of(manager, DataType.FLOAT64, 4, logps, logps, logps, logps);
            LossOutput out = new FDpoLoss(0.1, divergence).compute(in.inputs());
            for (double loss : Autograd.doubles(out.pairLosses())) {
                assertEquals(Math.log(2), loss, 0.0);
            }
        }
    }

    /**
     * The gradient of the mean loss w.r.t. the policy's summed log-probs, by autograd, against
     * central differences of the loss itself (h = 1e−6, float64; rounding error ≈ ε·L/h ≲ 1e−8,
     * hence the 1e−6·max(1, |g|) tolerance): covers the divergences that have
     * no golden vectors. Analytically ∂L/∂pc_b = −(β/B)·σ(−β·z_b)·ψ'(sc_b) and
     * ∂L/∂pr_b = +(β/B)·σ(−β·z_b)·ψ'(sr_b).
     */
    @ParameterizedTest
    @MethodSource("divergences")
    void gradientMatchesFiniteDifferences(Divergence divergence) {
        double beta = 0.3;
        double[] pc = {-10, -12, -9, -15};
        double[] pr = {-11, -10, -13, -14};
        double[] rc = {-11, -11.5, -10, -12};
        double[] rr = {-10.5, -12, -12, -15.5};
        FDpoLoss loss = new FDpoLoss(beta, divergence);
        try (NDManager manager = NDManager.newBaseManager()) {
            PairInputs in = PairInputs.of(manager, DataType.FLOAT64, 4, pc, pr, rc, rr);
            in.backward(loss);
            double[] gradChosen = in.gradChosen();
            double[] gradRejected = in.gradRejected();
            double h = 1e-6;
            for (int b = 0; b < pc.length; b++) {
                double fdChosen = (meanLoss(manager, loss, bump(pc, b, h), pr, rc, rr)
                        - meanLoss(manager, loss, bump(pc, b, -h), pr, rc, rr)) / (2 * h);
                double fdRejected = (meanLoss(manager, loss, pc, bump(pr, b, h), rc, rr)
                        - meanLoss(manager, loss, pc, bump(pr, b, -h), rc, rr)) / (2 * h);
                assertEquals(fdChosen, gradChosen[b], 1e-6 * Math.max(1, Math.abs(fdChosen)), divergence + " chosen " + b);
                assertEquals(fdRejected, gradRejected[b], 1e-6 * Math.max(1, Math.abs(fdRejected)), divergence + " rejected " + b);
            }
        }
    }

    /**
     * The golden stress regime (log-ratios ±160..240, β up to 2) and beyond (±1000), in both
     * precisions: loss, rewards and gradients finite for every divergence (float32 exponents are
     * clamped at 80, float64 at 700; the forward-KL/α golden cases skip this regime because the
     * unclamped math overflows).
     */
    @ParameterizedTest
    @MethodSource("divergences")
    void finiteAtStressLogRatios(Divergence divergence) {
        double[] pc = {-5, -245, -1005, -2};
        double[] pr = {-245, -5, -3, -1010};
        double[] rc = {-245, -5, -5, -1002};
        double[] rr = {-5, -245, -1003, -10};
        for (Precision precision : Precision.values()) {
            for (double beta : new double[] {0.1, 2}) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    PairInputs in = PairInputs.of(manager, precision.type, 4, pc, pr, rc, rr);
                    LossOutput out = in.backward(new FDpoLoss(beta, divergence));
                    String what = divergence + " " + precision + " beta " + beta;
                    assertFinite(Autograd.doubles(out.loss()), what + " loss");
                    assertFinite(Autograd.doubles(out.pairLosses()), what + " losses");
                    assertFinite(Autograd.doubles(out.chosenRewards()), what + " rewards");
                    assertFinite(in.gradChosen(), what + " grad chosen");
                    assertFinite(in.gradRejected(), what + " grad rejected");
                }
            }
        }
    }

    private static double meanLoss(NDManager manager, PreferenceLoss loss, double[] pc, double[] pr, double[] rc, double[] rr) {
        PairInputs in = PairInputs.of(manager, DataType.FLOAT64, 4, pc, pr, rc, rr);
        return Autograd.doubles(loss.compute(in.inputs()).loss())[0];
    }

    private static double[] bump(double[] x, int i, double h) {
        double[] y = x.clone();
        y[i] += h;
        return y;
    }

    static void assertBitwiseEqual(LossOutput expected, LossOutput actual) {
        assertArrayEquals(Autograd.doubles(expected.loss()), Autograd.doubles(actual.loss()), 0.0, "loss");
        assertArrayEquals(Autograd.doubles(expected.pairLosses()), Autograd.doubles(actual.pairLosses()), 0.0, "pair losses");
        assertArrayEquals(Autograd.doubles(expected.chosenRewards()), Autograd.doubles(actual.chosenRewards()), 0.0, "chosen rewards");
        assertArrayEquals(Autograd.doubles(expected.rejectedRewards()), Autograd.doubles(actual.rejectedRewards()), 0.0, "rejected rewards");
    }

    static void assertFinite(double[] x, String what) {
        assertTrue(Arrays.stream(x).allMatch(Double::isFinite), what + ": " + Arrays.toString(x));
    }
}
