package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The f-DPO divergences, independently of the golden vectors (which exist for four of them only):
 * each score against its closed-form f' evaluated in Java doubles, its derivative against finite
 * differences and against e^s·f''(e^s), the f-DPO condition (strictly increasing, unbounded below),
 * finiteness at any log-ratio, and {@link Divergence#named}'s accept/refuse rules.
 */
class DivergenceTest {

    /**
     * A divergence under test with its f'(u) and f''(u) written from the Javadoc, and the dropped
     * constant c_f, so that ψ(s) = f'(e^s) − c_f.
     */
    record Case(Divergence divergence, DoubleUnaryOperator fPrime, DoubleUnaryOperator fSecond, double constant) {
        @Override
        public String toString() {
            return divergence.toString();
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                new Case(new ReverseKl(), u -> Math.log(u) + 1, u -> 1 / u, 1),
                new Case(new ForwardKl(), u -> -1 / u, u -> 1 / (u * u), 0),
                new Case(new JensenShannon(), u -> Math.log(2 * u / (1 + u)), u -> 1 / (u * (1 + u)), Math.log(2)),
                new Case(new Jeffreys(), u -> Math.log(u) + 1 - 1 / u, u -> 1 / u + 1 / (u * u), 1),
                new Case(new SquaredHellinger(), u -> 1 - Math.pow(u, -0.5), u -> 0.5 * Math.pow(u, -1.5), 1),
                new Case(new NeymanChiSquared(), u -> 1 - 1 / (u * u), u -> 2 / (u * u * u), 1)));
        for (double a : new double[] {0.05, 0.3, 0.5, 0.8, 1.0, 2.0}) {
            cases.add(new Case(new AlphaDivergence(a), u -> (1 - Math.pow(u, -a)) / a, u -> Math.pow(u, -a - 1), 1 / a));
        }
        return cases;
    }

    static Stream<Arguments> casesAndPrecisions() {
        return cases().stream().flatMap(c -> Stream.of(Arguments.of(c, Precision.FLOAT64), Arguments.of(c, Precision.FLOAT32)));
    }

    private static final double[] GRID = {-30, -12.5, -3, -1, -0.25, -1e-3, 0, 1e-3, 0.25, 1, 3, 12.5, 30};

    /** ψ(s) = f'(e^s) − c_f at every grid point, f' from the Javadoc formula. */
    @ParameterizedTest
    @MethodSource("cases")
    void scoreIsTheDerivativeOfFAtTheRatio(Case c) {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[] score = Autograd.doubles(c.divergence().score(manager.create(GRID)));
            for (int i = 0; i < GRID.length; i++) {
                double expected = c.fPrime().applyAsDouble(Math.exp(GRID[i])) - c.constant();
                assertEquals(expected, score[i], 1e-13 * Math.max(1, Math.abs(expected)),
                        c + " at s = " + GRID[i]);
            }
        }
    }

    /**
     * dψ/ds = e^s·f''(e^s) (chain rule); autograd agrees with it and with central differences
     * (ψ(s + h) − ψ(s − h))/2h, h = 1e−5, whose error is O(h²·ψ''') + O(ε/h) ≈ 1e−10 relative at these s.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void scoreGradientMatchesFiniteDifferencesAndTheChainRule(Case c) {
        double h = 1e-5;
        double[] grid = Arrays.stream(GRID).filter(s -> Math.abs(s) <= 12.5).toArray();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray s = manager.create(grid);
            s.setRequiresGradient(true);
            Autograd.backward(() -> c.divergence().score(s), NDArray::sum);
            double[] grad = Autograd.doubles(Autograd.gradient(s));
            double[] plus = Autograd.doubles(c.divergence().score(manager.create(grid).add(h)));
            double[] minus = Autograd.doubles(c.divergence().score(manager.create(grid).sub(h)));
            for (int i = 0; i < grid.length; i++) {
                double u = Math.exp(grid[i]);
                double chain = u * c.fSecond().applyAsDouble(u);
                double fd = (plus[i] - minus[i]) / (2 * h);
                assertEquals(chain, grad[i], 1e-12 * Math.max(1, Math.abs(chain)), c + " autograd at s = " + grid[i]);
                assertEquals(chain, fd, 1e-6 * Math.max(1, Math.abs(chain)), c + " finite difference at s = " + grid[i]);
            }
        }
    }

    /**
     * f-DPO's condition, checked on ψ: strictly increasing (f'' > 0, so f' is invertible) and
     * unbounded below as s → −∞ (f'(u) → −∞ as u → 0⁺, so 0 is not in the domain of f'):
     * ψ(−40) − ψ(0) ≤ −39 for all of them (−40 for reverse KL and JS, −e^{40}·… for the others).
     * Pearson χ², refused, would give 2(e^{−40} − 1) ≈ −2.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void scoreIsStrictlyIncreasingAndUnboundedBelow(Case c) {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[] s = new double[161];
            for (int i = 0; i < s.length; i++) {
                s[i] = -40 + 0.5 * i;
            }
            double[] score = Autograd.doubles(c.divergence().score(manager.create(s)));
            for (int i = 1; i < s.length; i++) {
                assertTrue(score[i] > score[i - 1], c + " not increasing at s = " + s[i]);
            }
            assertTrue(score[0] - score[80] <= -39, c + ": ψ(−40) − ψ(0) = " + (score[0] - score[80]));
        }
    }

    /**
     * Finite value and gradient for any finite log-ratio, in both precisions: the exponents are
     * clamped at 80 (float32) / 700 (float64), so e.g. forward KL at s = −240 in float32 is −e^{80}
     * (unclamped it would be −e^{240} = −inf), and at s = −1e30 the clamped score has gradient 0.
     */
    @ParameterizedTest
    @MethodSource("casesAndPrecisions")
    void scoreAndGradientAreFiniteEverywhere(Case c, Precision precision) {
        double[] extreme = {-1e30, -1000, -240, -160, -88, -50, 50, 88, 160, 240, 1000, 1e30};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray s = manager.create(extreme).toType(precision.type, false);
            s.setRequiresGradient(true);
            NDArray score = Autograd.backward(() -> c.divergence().score(s), NDArray::sum);
            assertAllFinite(score, c + " score");
            assertAllFinite(Autograd.gradient(s), c + " gradient");
        }
    }

    @Test
    void clampIsExactBelowTheThresholdAndSaturatesAbove() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[] f64 = Autograd.doubles(new ForwardKl().score(manager.create(new double[] {-240, -700, -800})));
            assertEquals(-Math.exp(240), f64[0], 1e-15 * Math.exp(240));
            assertEquals(-Math.exp(700), f64[1], 1e-15 * Math.exp(700));
            assertEquals(-Math.exp(700), f64[2], 1e-15 * Math.exp(700));
            double[] f32 = Autograd.doubles(new ForwardKl().score(
                    manager.create(new double[] {-50, -240}).toType(DataType.FLOAT32, false)));
            assertEquals(-Math.exp(50), f32[0], 1e-6 * Math.exp(50));
            assertEquals((double) (float) -Math.exp(80), f32[1], 1e-6 * Math.exp(80));
        }
    }

    // ---- names ----------------------------------------------------------------------------

    @Test
    void everyNameBuildsTheDivergenceOfThatName() {
        List<String> built = new ArrayList<>();
        for (String name : Divergence.NAMES) {
            Divergence d = Divergence.named(name, 0.5);
            assertEquals(name, d.name());
            built.add(d.getClass().getSimpleName());
        }
        // Every permitted implementation is reachable from a name.
        for (Class<?> permitted : Divergence.class.getPermittedSubclasses()) {
            assertTrue(built.contains(permitted.getSimpleName()), permitted + " has no name in Divergence.NAMES");
        }
        assertEquals(new AlphaDivergence(0.3), Divergence.named("alpha", 0.3));
        assertEquals(new ReverseKl(), Divergence.named("reverse_kl", -7)); // α is ignored by the others
    }

    @ParameterizedTest
    @ValueSource(strings = {"chi_squared", "pearson_chi_squared", "total_variation", "le_cam", "triangular"})
    void divergencesThatBreakTheConditionAreRefusedWithTheReason(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Divergence.named(name, 0.5));
        assertTrue(e.getMessage().contains("cannot be used with f-DPO"), e.getMessage());
        Map<String, String> reason = Map.of(
                "chi_squared", "defined at u = 0", "pearson_chi_squared", "defined at u = 0",
                "total_variation", "not invertible", "le_cam", "defined at", "triangular", "defined at");
        assertTrue(e.getMessage().contains(reason.get(name)), e.getMessage());
    }

    @Test
    void unknownNamesListTheAllowedOnes() {
        for (String name : new String[] {"kl", "JS", "", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Divergence.named(name, 0.5));
            for (String allowed : Divergence.NAMES) {
                assertTrue(e.getMessage().contains(allowed), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -0.5, Double.NaN, Double.POSITIVE_INFINITY})
    void alphaOutsideItsRangeIsRefused(double alpha) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Divergence.named("alpha", alpha));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    }

    private static void assertAllFinite(NDArray array, String what) {
        double[] x = Autograd.doubles(array);
        assertTrue(Arrays.stream(x).allMatch(Double::isFinite), what + " not finite: " + Arrays.toString(x));
    }
}
