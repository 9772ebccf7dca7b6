package org.dpo4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FusedAdamW}: PyTorch's fused AdamW bit for bit, and independent of how the work is split. */
class FusedAdamWTest {

    /** Recorded by {@code docs/interop/torch_fused_adamw.py} with torch's {@code AdamW(fused=True)}. */
    private static final String TORCH_RECORD = "/optim/torch-fused-adamw.json";

    /**
     * Replays each recorded case: the same starting parameters, gradients and clipping factors
     * through {@link AdamW}, and after every step θ, m and v equal torch's bit for bit. The
     * second case has β1 = 0.3, so lerp takes its other form (weight 0.7 ≥ 1/2), and no decay.
     */
    @Test
    void replaysTorchsFusedAdamWBitForBit() throws IOException {
        JsonNode record;
        try (InputStream in = FusedAdamWTest.class.getResourceAsStream(TORCH_RECORD)) {
            record = new ObjectMapper().readTree(in);
        }
        assertEquals(2, record.get("cases").size());
        for (JsonNode c : record.get("cases")) {
            try (NDManager manager = NDManager.newBaseManager()) {
                List<NDArray> params = new ArrayList<>();
                for (JsonNode p : c.get("parameters")) {
                    NDArray tensor = manager.create(floats(p.get("initial")), shape(p.get("shape")));
                    tensor.setRequiresGradient(true);
                    params.add(tensor);
                }
                AdamW adam = new AdamW(params, manager, c.get("betas").get(0).asDouble(),
                        c.get("betas").get(1).asDouble(), c.get("eps").asDouble(), c.get("weight_decay").asDouble());
                int k = 0;
                for (JsonNode step : c.get("steps")) {
                    k++;
                    for (int i = 0; i < params.size(); i++) {
                        backwardWithGradient(params.get(i), floats(step.get("gradients").get(i)));
                    }
                    adam.step(c.get("lr").asDouble(), step.get("scale").asDouble());
                    for (int i = 0; i < params.size(); i++) {
                        JsonNode after = step.get("after").get(i);
                        String where = "lr " + c.get("lr") + ", step " + k + ", parameter " + i;
                        assertArrayEquals(ints(after.get("param")), bits(params.get(i)), "theta, " + where);
                        assertArrayEquals(ints(after.get("exp_avg")), bits(adam.firstMoment(i)), "m, " + where);
                        assertArrayEquals(ints(after.get("exp_avg_sq")), bits(adam.secondMoment(i)), "v, " + where);
                        assertArrayEquals(new float[(int) params.get(i).size()],
                                params.get(i).getGradient().toFloatArray(), "g zeroed, " + where);
                    }
                }
            }
        }
    }

    /**
     * The elements are independent, so neither the number of workers (1, 2, 3 engine threads)
     * nor direct-buffer segments of a few rows change a bit: tensors of 3 × 2^16 + 5 elements
     * (split over workers) and of 7 elements (the caller alone), three steps with decay and clipping.
     */
    @Test
    void splittingTheWorkChangesNoBit() {
        Engine.getInstance();
        int threadsBefore = JniUtils.getNumThreads();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<List<float[]>> results = new ArrayList<>();
            for (int[] split : new int[][] {{1, 0}, {2, 0}, {3, 0}, {2, 5}}) {
                JniUtils.setNumThreads(split[0]);
                List<NDArray> params = parameters(manager);
                AdamW adam = new AdamW(params, manager, 0.9, 0.999, 1e-8, 0.01,
                        TensorOpsAdamW.CHUNK_ELEMENTS, true, split[1] == 0 ? FusedAdamW.MAX_SEGMENT_ELEMENTS : split[1] * 1024L);
                for (int k = 0; k < 3; k++) {
                    for (int i = 0; i < params.size(); i++) {
                        backwardWithGradient(params.get(i), gradient(params.get(i).size(), k, i));
                    }
                    adam.step(0.01, k == 1 ? 0.3 : 1.0);
                }
                List<float[]> state = new ArrayList<>();
                for (int i = 0; i < params.size(); i++) {
                    state.add(params.get(i).toFloatArray());
                    state.add(adam.firstMoment(i).toFloatArray());
                    state.add(adam.secondMoment(i).toFloatArray());
                }
                results.add(state);
            }
            for (int r = 1; r < results.size(); r++) {
                for (int j = 0; j < results.get(0).size(); j++) {
                    assertArrayEquals(bitsOf(results.get(0).get(j)), bitsOf(results.get(r).get(j)),
                            "split " + r + ", array " + j);
                }
            }
        } finally {
            JniUtils.setNumThreads(threadsBefore);
        }
    }

    /**
     * The fused kernel and PyTorch's non-fused form ({@link TensorOpsAdamW}) differ only in the
     * last bits (a fused lerp, a correctly rounded sqrt): over three steps they agree within 4
     * ulps of the largest |g| an element saw for m (|m| ≤ max |g|, and lerp may cancel), of the
     * largest g² for v, and of the step for θ; and every element of the large parameter moved.
     */
    @Test
    void agreesWithTheTensorOpsFormToTheLastBits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> fusedParams = parameters(manager);
            List<NDArray> opsParams = parameters(manager);
            float[] start = fusedParams.get(0).toFloatArray();
            AdamW fusedAdam = new AdamW(fusedParams, manager, 0.9, 0.999, 1e-8, 0.01);
            AdamW opsAdam = new AdamW(opsParams, manager, 0.9, 0.999, 1e-8, 0.01,
                    TensorOpsAdamW.CHUNK_ELEMENTS, false, FusedAdamW.MAX_SEGMENT_ELEMENTS);
            double lr = 0.01;
            for (int k = 0; k < 3; k++) {
                for (List<NDArray> set : List.of(fusedParams, opsParams)) {
                    for (int i = 0; i < set.size(); i++) {
                        backwardWithGradient(set.get(i), gradient(set.get(i).size(), k, i));
                    }
                }
                fusedAdam.step(lr, 0.5);
                opsAdam.step(lr, 0.5);
            }
            for (int i = 0; i < fusedParams.size(); i++) {
                float[] largestGradient = new float[(int) fusedParams.get(i).size()];
                for (int k = 0; k < 3; k++) {
                    float[] g = gradient(largestGradient.length, k, i);
                    for (int j = 0; j < g.length; j++) {
                        largestGradient[j] = Math.max(largestGradient[j], Math.abs(g[j]) * 0.5f);
                    }
                }
                float[] m = opsAdam.firstMoment(i).toFloatArray();
                float[] fm = fusedAdam.firstMoment(i).toFloatArray();
                float[] v = opsAdam.secondMoment(i).toFloatArray();
                float[] fv = fusedAdam.secondMoment(i).toFloatArray();
                for (int j = 0; j < m.length; j++) {
                    float g = largestGradient[j];
                    assertEquals(m[j], fm[j], 4 * Math.ulp(g), "m " + i + " element " + j);
                    assertEquals(v[j], fv[j], 4 * Math.ulp(g * g), "v " + i + " element " + j);
                }
                float[] a = opsParams.get(i).toFloatArray();
                float[] b = fusedParams.get(i).toFloatArray();
                for (int j = 0; j < a.length; j++) {
                    // each step moves θ by at most lr (|m̂ / sqrt(v̂)| ≤ 1 here): 4 ulps of that, per step, plus θ's own
                    double tolerance = 3 * 4 * Math.ulp((float) lr) + 2 * Math.ulp(a[j]);
                    assertEquals(a[j], b[j], tolerance, "theta " + i + " element " + j);
                }
            }
            float[] now = fusedParams.get(0).toFloatArray();
            int moved = 0;
            for (int j = 0; j < now.length; j++) {
                moved += now[j] != start[j] ? 1 : 0;
            }
            assertEquals(now.length, moved, "every element of the large parameter moved");
        }
    }

    /**
     * A contiguous float32 tensor is reached, and the probe leaves its bits as they were; a
     * transposed view (whose buffer DJL would copy, losing the writes) and a float64 tensor are
     * not; a parameter that is such a view still trains, through the tensor-op form.
     */
    @Test
    void reachesOnlyTensorsItCanWriteInPlace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] values = {1.5f, -0.0f, Float.MIN_VALUE, 3f, 4f, 5f};
            NDArray contiguous = manager.create(values, new Shape(2, 3));
            assertTrue(FusedAdamW.reaches(contiguous));
            assertArrayEquals(bitsOf(values), bits(contiguous), "the probe put the element back");
            NDArray transposed = contiguous.transpose();
            assertFalse(FusedAdamW.reaches(transposed));
            assertFalse(FusedAdamW.reaches(manager.create(new double[] {1, 2})));

            NDArray p = manager.create(values, new Shape(2, 3)).transpose();
            p.setRequiresGradient(true);
            AdamW adam = new AdamW(List.of(p), manager, 0.9, 0.999, 1e-8, 0.0);
            backwardWithGradient(p, new float[] {1, -1, 1, -1, 1, -1});
            adam.step(0.1, 1.0);
            // step 1: θ − lr·sign(g) (|g| ≫ ε), in the transposed order of the values
            // (the view reads 1.5, 3, −0, 4, MIN_VALUE, 5; g = +1 moves down, −1 up)
            assertArrayEquals(new float[] {1.4f, 3.1f, -0.1f, 4.1f, -0.1f, 5.1f}, p.toFloatArray(), 1e-6f);
        }
    }

    private static List<NDArray> parameters(NDManager manager) {
        NDArray large = manager.create(gradient(3 * 65536 + 5, 9, 0), new Shape(3 * 65536 + 5));
        NDArray matrix = manager.create(gradient(7 * 1024, 9, 1), new Shape(7, 1024));
        NDArray small = manager.create(gradient(7, 9, 2));
        List<NDArray> params = List.of(large.reshape(3 * 65536 + 5), matrix, small);
        params.forEach(p -> p.setRequiresGradient(true));
        return params;
    }

    /** Deterministic values of both signs over six decades, none zero. */
    private static float[] gradient(long size, int step, int parameter) {
        Random random = new Random(1000L * step + parameter);
        float[] g = new float[(int) size];
        for (int j = 0; j < g.length; j++) {
            g[j] = (float) (random.nextGaussian() * Math.pow(10, -random.nextInt(6)));
            g[j] = g[j] == 0 ? 1e-3f : g[j];
        }
        return g;
    }

    /** Sets the gradient of p to {@code g} by back-propagating Σ p·g. */
    private static void backwardWithGradient(NDArray p, float[] g) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(p.mul(p.getManager().create(g, p.getShape())).sum());
        }
    }

    private static Shape shape(JsonNode dims) {
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i).asLong();
        }
        return new Shape(out);
    }

    private static int[] ints(JsonNode values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).asInt();
        }
        return out;
    }

    private static float[] floats(JsonNode values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat(values.get(i).asInt());
        }
        return out;
    }

    private static int[] bits(NDArray array) {
        return bitsOf(array.toFloatArray());
    }

    private static int[] bitsOf(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }
}
