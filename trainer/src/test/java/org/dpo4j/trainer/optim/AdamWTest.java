package org.dpo4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {

    /** Sets the gradient of p to {@code g} by back-propagating Σ p·g. */
    private static void backwardWithGradient(NDArray p, float[] g) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(p.mul(p.getManager().create(g, p.getShape())).sum());
        }
    }

    @Test
    void firstStepMovesEachWeightByLrTimesSignOfGradientAfterDecay() {
        // Step 1: m̂ = g, v̂ = g², so θ ← θ(1 − lr·λ) − lr·g/(|g| + ε).
        // θ = [1, −2, 0.5], g = [0.3, −4, 0], lr = 0.1, λ = 0.01, ε = 1e−8:
        //   θ1 = 1·0.999 − 0.1·0.3/(0.3+1e−8)   = 0.899
        //   θ2 = −2·0.999 − 0.1·(−4)/(4+1e−8)   = −1.898
        //   θ3 = 0.5·0.999 − 0                  = 0.4995
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[] {1f, -2f, 0.5f});
            p.setRequiresGradient(true);
            AdamW adam = new AdamW(List.of(p), manager, 0.9, 0.999, 1e-8, 0.01);
            backwardWithGradient(p, new float[] {0.3f, -4f, 0f});
            adam.step(0.1, 1.0);
            assertArrayEquals(new float[] {0.899f, -1.898f, 0.4995f}, p.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0f, 0f, 0f}, p.getGradient().toFloatArray(), "gradients zeroed");
        }
    }

    @Test
    void secondStepUsesBiasCorrectedMoments() {
        // g1 = 1, g2 = 3, β1 = 0.9, β2 = 0.999, lr = 1, no decay:
        //   m1 = 0.1, v1 = 0.001 → θ1 = 0 − 1·1/(1 + ε) = −1
        //   m2 = 0.9·0.1 + 0.1·3 = 0.39,  m̂2 = 0.39/0.19 = 2.0526316
        //   v2 = 0.999·0.001 + 0.001·9 = 0.009999, v̂2 = 0.009999/0.001999 = 5.0020010, sqrt = 2.2365154
        //   θ2 = −1 − 2.0526316/2.2365154 = −1 − 0.9177811 = −1.9177811
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[] {0f});
            p.setRequiresGradient(true);
            AdamW adam = new AdamW(List.of(p), manager, 0.9, 0.999, 1e-8, 0.0);
            backwardWithGradient(p, new float[] {1f});
            adam.step(1.0, 1.0);
            backwardWithGradient(p, new float[] {3f});
            adam.step(1.0, 1.0);
            assertEquals(-1.9177811f, p.toFloatArray()[0], 1e-5f);
            assertEquals(2, adam.steps());
        }
    }

    /**
     * A checkpoint of the optimizer: a second AdamW over a copy of the parameters, given the first
     * one's moments and step count after two steps, takes the same third step bit for bit; a fresh
     * AdamW (step 1 bias correction, zero moments) would not. The moments are m1 = 0.1·g1 and
     * v1 = 0.001·g1² after one step, so they are not interchangeable. -0.0 and a subnormal in
     * the parameters survive the copy as bits.
     */
    @Test
    void restoredMomentsAndStepContinueBitForBit() {
        float[] start = {1f, -2f, -0.0f, Float.MIN_VALUE};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(start);
            p.setRequiresGradient(true);
            AdamW adam = new AdamW(List.of(p), manager, 0.9, 0.999, 1e-8, 0.01);
            backwardWithGradient(p, new float[] {0.3f, -4f, 1e-3f, 2f});
            adam.step(0.1, 1.0);
            assertArrayEquals(new float[] {0.1f * 0.3f, 0.1f * -4f, 0.1f * 1e-3f, 0.1f * 2f},
                    adam.firstMoment(0).toFloatArray(), 1e-7f, "m1 = (1 - beta1) g");
            assertArrayEquals(new float[] {0.001f * 0.09f, 0.001f * 16f, 0.001f * 1e-6f, 0.001f * 4f},
                    adam.secondMoment(0).toFloatArray(), 1e-9f, "v1 = (1 - beta2) g^2");
            backwardWithGradient(p, new float[] {-1f, 0.5f, 2f, 0.25f});
            adam.step(0.1, 0.5);

            NDArray q = manager.create(new float[4]);
            q.setRequiresGradient(true);
            org.dpo4j.trainer.model.ModelWeights.copyInto(q, p);
            AdamW resumed = new AdamW(List.of(q), manager, 0.9, 0.999, 1e-8, 0.01);
            resumed.restoreMoments(0, adam.firstMoment(0).duplicate(), adam.secondMoment(0).duplicate());
            resumed.restoreSteps(adam.steps());
            assertEquals(2, resumed.steps());
            NDArray r = manager.create(new float[4]);
            r.setRequiresGradient(true);
            org.dpo4j.trainer.model.ModelWeights.copyInto(r, p);
            AdamW fresh = new AdamW(List.of(r), manager, 0.9, 0.999, 1e-8, 0.01);

            float[] g3 = {0.7f, 0.7f, -3f, 1f};
            backwardWithGradient(p, g3);
            adam.step(0.05, 1.0);
            backwardWithGradient(q, g3);
            resumed.step(0.05, 1.0);
            backwardWithGradient(r, g3);
            fresh.step(0.05, 1.0);
            assertArrayEquals(bits(p.toFloatArray()), bits(q.toFloatArray()));
            assertArrayEquals(bits(adam.firstMoment(0).toFloatArray()), bits(resumed.firstMoment(0).toFloatArray()));
            assertArrayEquals(bits(adam.secondMoment(0).toFloatArray()), bits(resumed.secondMoment(0).toFloatArray()));
            assertNotEquals(p.toFloatArray()[0], r.toFloatArray()[0], "a fresh optimizer takes another step");
        }
    }

    /**
     * The streaming update slices each parameter along its first axis; the ops per element are
     * the same, so any slice size gives the same bits as the whole tensor: here slices of one row
     * of a 7×3 matrix (4 elements allowed, so 1 row of 3), 4 elements of a 10-vector (the last
     * slice shorter), and a scalar-shaped [1], over three steps with decay and a clip factor.
     * The parameters must also have moved, which they would not if a slice were a copy.
     */
    @Test
    void slicedUpdateEqualsTheWholeTensorUpdateBitForBit() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> whole = streamingParameters(manager);
            List<NDArray> sliced = streamingParameters(manager);
            AdamW wholeAdam = new AdamW(whole, manager, 0.9, 0.999, 1e-8, 0.01, Long.MAX_VALUE, false,
                    FusedAdamW.MAX_SEGMENT_ELEMENTS);
            AdamW slicedAdam = new AdamW(sliced, manager, 0.9, 0.999, 1e-8, 0.01, 4, false,
                    FusedAdamW.MAX_SEGMENT_ELEMENTS);
            float[][] starts = whole.stream().map(NDArray::toFloatArray).toArray(float[][]::new);
            double[] scales = {1.0, 0.5, 0.3};
            for (int k = 0; k < scales.length; k++) {
                for (List<NDArray> set : List.of(whole, sliced)) {
                    for (int i = 0; i < set.size(); i++) {
                        backwardWithGradient(set.get(i), gradient(set.get(i).size(), k, i));
                    }
                }
                wholeAdam.step(0.1, scales[k]);
                slicedAdam.step(0.1, scales[k]);
            }
            for (int i = 0; i < whole.size(); i++) {
                assertArrayEquals(bits(whole.get(i).toFloatArray()), bits(sliced.get(i).toFloatArray()), "theta " + i);
                assertArrayEquals(bits(wholeAdam.firstMoment(i).toFloatArray()),
                        bits(slicedAdam.firstMoment(i).toFloatArray()), "m " + i);
                assertArrayEquals(bits(wholeAdam.secondMoment(i).toFloatArray()),
                        bits(slicedAdam.secondMoment(i).toFloatArray()), "v " + i);
                float[] now = sliced.get(i).toFloatArray();
                for (int j = 0; j < now.length; j++) {
                    assertNotEquals(starts[i][j], now[j], "parameter " + i + " element " + j + " moved");
                }
                assertArrayEquals(new float[now.length], sliced.get(i).getGradient().toFloatArray(), "zeroed " + i);
            }
        }
    }

    /** The first-step formula of the test above it holds with slices of one element. */
    @Test
    void oneElementSlicesTakeTheFirstStepOfTheFormula() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[] {1f, -2f, 0.5f});
            p.setRequiresGradient(true);
            AdamW adam = new AdamW(List.of(p), manager, 0.9, 0.999, 1e-8, 0.01, 1, false,
                    FusedAdamW.MAX_SEGMENT_ELEMENTS);
            backwardWithGradient(p, new float[] {0.3f, -4f, 0f});
            adam.step(0.1, 1.0);
            assertArrayEquals(new float[] {0.899f, -1.898f, 0.4995f}, p.toFloatArray(), 1e-6f);
        }
    }

    private static List<NDArray> streamingParameters(NDManager manager) {
        NDArray matrix = manager.create(gradient(21, 7, 7), new ai.djl.ndarray.types.Shape(7, 3));
        NDArray vector = manager.create(gradient(10, 8, 8));
        NDArray single = manager.create(new float[] {0.75f});
        List<NDArray> parameters = List.of(matrix, vector, single);
        parameters.forEach(p -> p.setRequiresGradient(true));
        return parameters;
    }

    /** Deterministic values of both signs and several magnitudes, none zero. */
    private static float[] gradient(long size, int step, int parameter) {
        float[] g = new float[(int) size];
        for (int j = 0; j < g.length; j++) {
            int n = j + 3 * step + 5 * parameter + 1;
            g[j] = (n % 2 == 0 ? 1 : -1) * (0.01f + 0.37f * (n % 7)) * (1 + j % 3);
        }
        return g;
    }

    @Test
    void copyIntoKeepsEveryBit() {
        float[] values = {-0.0f, 0.0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.NaN, 1f / 3f};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray target = manager.create(new float[] {5, 5, 5, 5, 5, 5}, new ai.djl.ndarray.types.Shape(2, 3));
            target.setRequiresGradient(true);
            org.dpo4j.trainer.model.ModelWeights.copyInto(target, manager.create(values, new ai.djl.ndarray.types.Shape(2, 3)));
            assertArrayEquals(bits(values), bits(target.toFloatArray()));
            assertEquals(true, target.hasGradient(), "still a trainable leaf");
        }
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    @Test
    void gradientScaleIsAppliedBeforeTheMoments() {
        // Adam is invariant to a constant gradient scale at step 1 (m̂/sqrt(v̂) = sign(g)),
        // so a scaled gradient must give the same first step.
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[] {0f});
            p.setRequiresGradient(true);
            AdamW adam = new AdamW(List.of(p), manager, 0.9, 0.999, 1e-8, 0.0);
            backwardWithGradient(p, new float[] {2f});
            adam.step(0.5, 0.25);
            assertEquals(-0.5f, p.toFloatArray()[0], 1e-6f);
        }
    }
}
