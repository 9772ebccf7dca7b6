package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The token-level f-divergence extension of TDPO: {@link Divergence#pointwise} and
 * {@link SequenceStats#tokenDivergence}. There is no reference implementation, so: closed forms in
 * Java doubles, D ≥ 0 with equality iff equal distributions, the default being TDPO's KL bit for bit,
 * reverse KL against the engine's own log-softmax, finite differences, finiteness at the golden
 * stress inputs.
 */
class TokenDivergenceTest {

    /** A divergence with its generator f(u), from the Javadoc. */
    record Case(Divergence divergence, DoubleUnaryOperator f) {
        @Override
        public String toString() {
            return divergence.toString();
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                new Case(new ReverseKl(), u -> u * Math.log(u)),
                new Case(new ForwardKl(), u -> -Math.log(u)),
                new Case(new JensenShannon(), u -> u * Math.log(u) - (1 + u) * Math.log((1 + u) / 2)),
                new Case(new Jeffreys(), u -> (u - 1) * Math.log(u)),
                new Case(new SquaredHellinger(), u -> Math.pow(Math.sqrt(u) - 1, 2)),
                new Case(new NeymanChiSquared(), u -> (1 - u) * (1 - u) / u),
                new Case(new AlphaDivergence(1), u -> u - 1 - Math.log(u))));
        for (double a : new double[] {0.3, 0.5, 2.0}) {
            cases.add(new Case(new AlphaDivergence(a), u -> (Math.pow(u, 1 - a) - (1 - a) * u - a) / (a * (a - 1))));
        }
        return cases;
    }

    /** q·f(p/q) at log p, log q ∈ {−30, −5, −1, −0.1, −1e−6} against the closed form. */
    @ParameterizedTest
    @MethodSource("cases")
    void pointwiseIsThePerspectiveOfF(Case c) {
        double[] logs = {-30, -5, -1, -0.1, -1e-6};
        List<double[]> pairs = new ArrayList<>();
        for (double a : logs) {
            for (double b : logs) {
                pairs.add(new double[] {a, b});
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logP = manager.create(pairs.stream().mapToDouble(x -> x[0]).toArray());
            NDArray logQ = manager.create(pairs.stream().mapToDouble(x -> x[1]).toArray());
            double[] actual = Autograd.doubles(c.divergence().pointwise(logP, logQ));
            for (int i = 0; i < pairs.size(); i++) {
                double p = Math.exp(pairs.get(i)[0]);
                double q = Math.exp(pairs.get(i)[1]);
                double expected = q * c.f().applyAsDouble(p / q);
                assertEquals(expected, actual[i], 1e-9 * Math.abs(expected) + 1e-13,
                        c + " at log p = " + pairs.get(i)[0] + ", log q = " + pairs.get(i)[1]);
            }
        }
    }

    /**
     * Gibbs/Jensen: D_f(π ‖ π_ref) = Σ_v π_ref·f(π/π_ref) ≥ f(1) = 0 per position, and 0 for
     * identical logits (every log-ratio is 0 and f(1) = 0; the α-family's power term
     * exp((1 − α)·log p + α·log q) rounds differently from p, hence 1e−14 rather than 0), in both
     * precisions.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void nonNegativeAndZeroForEqualDistributions(Case c) {
        RandomBatch policy = RandomBatch.of(41, 6, 11, 1, 5, 3, 4);
        RandomBatch reference = RandomBatch.of(42, 6, 11, 1, 5, 3, 4);
        for (Precision precision : Precision.values()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray pl = policy.logits(manager, precision.type);
                NDArray rl = reference.logits(manager, precision.type);
                double[] positions = Autograd.doubles(SequenceStats.positionDivergence(pl, rl, c.divergence()));
                for (double d : positions) {
                    assertTrue(d >= -1e-6, c + " " + precision + ": negative divergence " + d);
                }
                double[] same = Autograd.doubles(SequenceStats.tokenDivergence(
                        pl, pl, policy.ids(manager), policy.mask(manager), c.divergence()));
                double tol = precision == Precision.FLOAT64 ? 1e-14 : 1e-6;
                assertArrayEquals(new double[3], same, tol, c + " " + precision + " equal logits");
            }
        }
    }

    /** The default token divergence (forward KL) is TDPO's KL, bit for bit, on every golden input. */
    @Test
    void forwardKlIsTdposKlExactly() {
        for (String id : GoldenVectors.logitsCaseIds()) {
            JsonNode input = GoldenVectors.logitsInput(id);
            for (String side : new String[] {"chosen", "rejected"}) {
                for (Precision precision : Precision.values()) {
                    try (NDManager manager = NDManager.newBaseManager()) {
                        NDArray ids = GoldenVectors.longArray(manager, input.required(side + "_input_ids"));
                        NDArray mask = GoldenVectors.longArray(manager, input.required(side + "_loss_mask"));
                        NDArray pl = GoldenVectors.array(manager, input.required(side + "_policy_logits"), precision.type);
                        NDArray rl = GoldenVectors.array(manager, input.required(side + "_ref_logits"), precision.type);
                        assertArrayEquals(
                                Autograd.doubles(SequenceStats.tokenKl(pl, rl, ids, mask)),
                                Autograd.doubles(SequenceStats.tokenDivergence(pl, rl, ids, mask, new ForwardKl())),
                                0.0, id + " " + side + " " + precision);
                    }
                }
            }
        }
        assertTrue(new TdpoLoss(0.1, 0.5).tokenDivergence() instanceof ForwardKl, "default token divergence");
    }

    /** Reverse KL Σ_v π·(log π − log π_ref), against the engine's own log_softmax. */
    @Test
    void reverseKlMatchesAnIndependentComputation() {
        RandomBatch policy = RandomBatch.of(43, 5, 11, 1, 4, 2);
        RandomBatch reference = RandomBatch.of(44, 5, 11, 1, 4, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray pl = policy.logits(manager, DataType.FLOAT64);
            NDArray rl = reference.logits(manager, DataType.FLOAT64);
            NDArray lp = pl.logSoftmax(-1).get(":, 0:4, :");
            NDArray lq = rl.logSoftmax(-1).get(":, 0:4, :");
            NDArray expected = lp.exp().mul(lp.sub(lq)).sum(new int[] {-1});
            assertArrayEquals(Autograd.doubles(expected),
                    Autograd.doubles(SequenceStats.positionDivergence(pl, rl, new ReverseKl())), 1e-12);
        }
    }

    /**
     * ∂(Σ_n w_n·D_n)/∂(policy logits) by autograd against central differences (h = 1e−6, float64) at
     * every logit of a small batch; unscored positions get exactly 0.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Case c) {
        RandomBatch policy = RandomBatch.of(45, 4, 5, 1, 2, 1);
        RandomBatch reference = RandomBatch.of(46, 4, 5, 1, 2, 1);
        double[] weights = {0.7, -1.3};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(weights);
            NDArray rl = reference.logits(manager, DataType.FLOAT64);
            NDArray pl = policy.logits(manager, DataType.FLOAT64);
            pl.setRequiresGradient(true);
            Autograd.backward(() -> SequenceStats.tokenDivergence(pl, rl, policy.ids(manager), policy.mask(manager),
                    c.divergence()), d -> d.mul(w).sum());
            double[] grad = Autograd.doubles(Autograd.gradient(pl));
            double h = 1e-6;
            for (int i = 0; i < policy.logits().length; i++) {
                double fd = (objective(manager, policy, rl, w, c.divergence(), i, h)
                        - objective(manager, policy, rl, w, c.divergence(), i, -h)) / (2 * h);
                assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), c + " logit " + i);
            }
        }
    }

    /** Golden L5–L7 logits (log-ratios ±50..240, offsets ±1000): finite value and gradient. */
    @ParameterizedTest
    @MethodSource("cases")
    void finiteAtTheGoldenStressInputs(Case c) {
        for (String id : new String[] {"L5", "L6", "L7"}) {
            JsonNode input = GoldenVectors.logitsInput(id);
            for (Precision precision : Precision.values()) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    NDArray ids = GoldenVectors.longArray(manager, input.required("chosen_input_ids"));
                    NDArray mask = GoldenVectors.longArray(manager, input.required("chosen_loss_mask"));
                    NDArray pl = GoldenVectors.array(manager, input.required("chosen_policy_logits"), precision.type);
                    NDArray rl = GoldenVectors.array(manager, input.required("chosen_ref_logits"), precision.type);
                    pl.setRequiresGradient(true);
                    NDArray d = Autograd.backward(
                            () -> SequenceStats.tokenDivergence(pl, rl, ids, mask, c.divergence()), NDArray::sum);
                    FDpoLossTest.assertFinite(Autograd.doubles(d), c + " " + id + " " + precision + " value");
                    FDpoLossTest.assertFinite(Autograd.doubles(Autograd.gradient(pl)), c + " " + id + " " + precision + " gradient");
                }
            }
        }
    }

    private static double objective(NDManager manager, RandomBatch policy, NDArray rl, NDArray w,
            Divergence divergence, int index, double h) {
        double[] logits = policy.logits().clone();
        logits[index] += h;
        RandomBatch bumped = new RandomBatch(policy.n(), policy.t(), policy.v(), logits, policy.ids(), policy.mask());
        NDArray d = SequenceStats.tokenDivergence(bumped.logits(manager, DataType.FLOAT64), rl,
                policy.ids(manager), policy.mask(manager), divergence);
        return Autograd.doubles(d.mul(w).sum())[0];
    }
}
