package org.dpo4j.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The shared-prompt forward against the row-wise one: at every real position the hidden states,
 * and for a fixed upstream gradient G the gradient of Σ hidden·G into every parameter, must agree.
 *
 * <p>The batch: three pairs with prompts of 4, 1 and 6 tokens and completions of 3/5, 6/2 and
 * 1/4 tokens, so rows carry padding, prompts carry padding in the prompt group, completions in
 * the completion group, and pair 1's rows (prompt 1) start at different columns of the groups
 * than pair 2's. Both paths run the same float32 ops on different shapes, so they differ by
 * summation order only: a few ulps (6e−8 relative) per op, through two blocks; 1e−5 has margin.
 */
class SharedPromptLayoutTest {

    private static final double TOLERANCE = 1e-5;

    /** (prompt, chosen, rejected) of each pair; ids chosen so no completion starts like its twin. */
    private static final long[][][] PAIRS = {
        {{3, 7, 11, 15}, {20, 21, 22}, {30, 31, 32, 33, 34}},
        {{5}, {23, 24, 25, 26, 27, 28}, {35, 36}},
        {{1, 2, 4, 6, 8, 9}, {12}, {13, 14, 16, 17}},
    };

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> architectures() {
        return KvCacheTest.architectures();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void hiddenStatesEqualTheRowWiseForwardAtEveryRealPosition(String name, ModelArchitecture architecture) {
        Rows rows = rows();
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(architecture, ModelInitializer.randomWeights(architecture, 7, manager));
            NDArray expected = model.hiddenStates(rows.ids(manager), rows.mask(manager));
            NDArray actual = model.hiddenStates(rows.layout(manager));
            assertEquals(expected.getShape(), actual.getShape());
            assertRealPositionsClose(rows, expected, actual, name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void everyParameterGetsTheRowWiseGradient(String name, ModelArchitecture architecture) {
        Rows rows = rows();
        List<float[]> expected = gradients(architecture, rows, false);
        List<float[]> actual = gradients(architecture, rows, true);
        long withGradient = expected.stream().filter(g -> maxAbs(g) > 0).count();
        assertTrue(withGradient >= expected.size() - 1, name + ": only " + withGradient + " of " + expected.size()
                + " parameters have a gradient");
        for (int p = 0; p < expected.size(); p++) {
            float[] e = expected.get(p);
            float[] a = actual.get(p);
            double scale = maxAbs(e);
            // an untied LM head does not touch the hidden states: zero on both paths
            for (int i = 0; i < e.length; i++) {
                if (Math.abs(a[i] - e[i]) > TOLERANCE * scale) {
                    throw new AssertionError(name + ": parameter " + p + " entry " + i + ": rows " + e[i]
                            + ", shared prompts " + a[i]);
                }
            }
        }
    }

    @Test
    void itComputesEachPromptOnceAndCountsWhatItComputes() {
        Rows rows = rows();
        try (NDManager manager = NDManager.newBaseManager()) {
            SharedPromptLayout layout = rows.layout(manager);
            // P = 6, C = 6 (pair 1's chosen), T = 10 (pair 2's rejected: 6 + 4): 3·6 + 6·6 = 54 of 60
            assertEquals(54, layout.positionsComputed());
            assertEquals(60, layout.rowPositions());
            // prompts 3·6², completions 6·6·(6 + 6)
            assertEquals(3 * 36 + 6 * 6 * 12, layout.attentionScores());
            assertTrue(SharedPromptLayout.pays(rows.lengths, rows.prompts, rows.seqLen));
        }
    }

    @Test
    void itDoesNotPayWhenLongPromptsAndLongCompletionsAreInDifferentPairs() {
        // pair 0: prompt 8, completions 1; pair 1: prompt 1, completions 8. T = 9, P = 8, C = 8:
        // 2·8 + 4·8 = 48 positions against 4·9 = 36 for the rows.
        assertFalse(SharedPromptLayout.pays(new int[] {9, 9, 9, 9}, new int[] {8, 1}, 9));
        assertFalse(SharedPromptLayout.pays(new int[] {4, 4}, new int[] {0}, 4), "no prompt to share");
    }

    @Test
    void rowsThatDoNotShareTheirPromptAreRejected() {
        Rows rows = rows();
        rows.ids[rows.seqLen * 3 + 2] = 99; // the rejected row of pair 0 (row 3), inside its prompt
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rows.layout(manager));
            assertTrue(e.getMessage().contains("pair 0"), e.getMessage());
        }
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float x : values) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    /** d(Σ hidden·G)/d(parameter) for every parameter, G fixed and zero at padding. */
    private static List<float[]> gradients(ModelArchitecture architecture, Rows rows, boolean shared) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(architecture, 9, manager);
            weights.requireGradients();
            CausalLm model = CausalLm.of(architecture, weights);
            int d = Math.toIntExact(model.hiddenStates(rows.ids(manager), rows.mask(manager)).getShape().get(2));
            NDArray upstream = TestArrays.gaussian(manager, new Shape(rows.count(), rows.seqLen, d), 1.0, 3)
                    .mul(rows.mask(manager).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).expandDims(2));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray hidden = shared
                        ? model.hiddenStates(rows.layout(manager))
                        : model.hiddenStates(rows.ids(manager), rows.mask(manager));
                collector.backward(hidden.mul(upstream).sum());
            }
            List<float[]> gradients = new ArrayList<>();
            for (NDArray p : weights.list()) {
                gradients.add(p.getGradient().toFloatArray());
            }
            return gradients;
        }
    }

    private static void assertRealPositionsClose(Rows rows, NDArray expected, NDArray actual, String name) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        int d = Math.toIntExact(expected.getShape().get(2));
        for (int r = 0; r < rows.count(); r++) {
            for (int t = 0; t < rows.lengths[r]; t++) {
                for (int j = 0; j < d; j++) {
                    int at = (r * rows.seqLen + t) * d + j;
                    double bound = TOLERANCE * Math.max(1, Math.abs(e[at]));
                    if (Math.abs(e[at] - a[at]) > bound) {
                        throw new AssertionError(name + ": row " + r + " position " + t + " unit " + j + ": rows "
                                + e[at] + ", shared prompts " + a[at]);
                    }
                }
            }
        }
    }

    /** The pairs as 2B right-padded rows, chosen rows first, as the trainer's batcher lays them out. */
    private static Rows rows() {
        int b = PAIRS.length;
        int[] lengths = new int[2 * b];
        int[] prompts = new int[b];
        int seqLen = 0;
        for (int i = 0; i < b; i++) {
            prompts[i] = PAIRS[i][0].length;
            lengths[i] = prompts[i] + PAIRS[i][1].length;
            lengths[b + i] = prompts[i] + PAIRS[i][2].length;
            seqLen = Math.max(seqLen, Math.max(lengths[i], lengths[b + i]));
        }
        long[] ids = new long[2 * b * seqLen];
        long[] mask = new long[ids.length];
        for (int r = 0; r < 2 * b; r++) {
            long[] prompt = PAIRS[r % b][0];
            long[] completion = PAIRS[r % b][r < b ? 1 : 2];
            for (int t = 0; t < lengths[r]; t++) {
                ids[r * seqLen + t] = t < prompt.length ? prompt[t] : completion[t - prompt.length];
                mask[r * seqLen + t] = 1;
            }
        }
        return new Rows(ids, mask, lengths, prompts, seqLen);
    }

    private record Rows(long[] ids, long[] mask, int[] lengths, int[] prompts, int seqLen) {
        int count() {
            return lengths.length;
        }

        NDArray ids(NDManager manager) {
            return manager.create(ids, new Shape(count(), seqLen));
        }

        NDArray mask(NDManager manager) {
            return manager.create(mask, new Shape(count(), seqLen));
        }

        SharedPromptLayout layout(NDManager manager) {
            return SharedPromptLayout.of(manager, ids, lengths, prompts, seqLen);
        }
    }
}
