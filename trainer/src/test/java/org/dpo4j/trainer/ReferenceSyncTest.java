package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.ModelConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.init.RandomModelFolder;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TR-DPO: after every {@code sync_every} optimizer steps the reference is
 * α·policy + (1 − α)·reference, checked against the recursion computed by hand on snapshots of
 * the policy; between syncs it does not move.
 */
class ReferenceSyncTest {

    @TempDir Path dir;

    /** Weights after each step: index 0 before training, index s after step s. */
    private record Trace(List<Map<String, float[]>> policy, List<Map<String, float[]>> reference, double firstLoss) {}

    private static Map<String, float[]> snapshot(ModelWeights weights) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.all().entrySet()) {
            copy.put(e.getKey(), e.getValue().toFloatArray());
        }
        return copy;
    }

    private Trace train(int steps, int syncEvery, double alpha) throws IOException {
        RunConfig config = SmallRuns.dpo(SmallRuns.writePairs(dir, 48), steps, 0, new ReferenceConfig(null, false, syncEvery, alpha));
        Path runDir = Files.createDirectories(dir.resolve("run-" + syncEvery + "-" + alpha));
        List<Map<String, float[]>> policy = new ArrayList<>();
        List<Map<String, float[]>> reference = new ArrayList<>();
        double[] firstLoss = {Double.NaN};
        try (DpoTrainer trainer = DpoTrainer.create(config, runDir, line -> {}, dir.resolve("cache"))) {
            policy.add(snapshot(trainer.policyWeights()));
            reference.add(snapshot(trainer.referenceWeights()));
            trainer.run(new TrainingListener() {
                @Override
                public void onStep(int step) {
                    policy.add(snapshot(trainer.policyWeights()));
                    reference.add(snapshot(trainer.referenceWeights()));
                }

                @Override
                public void onLog(MetricsRecord record) {
                    if (record.step() == 1) {
                        firstLoss[0] = record.get(MetricNames.LOSS);
                    }
                }
            });
        }
        return new Trace(policy, reference, firstLoss[0]);
    }

    /** α·p + (1 − α)·r in float32, one rounding per product and one per sum, as libtorch computes it. */
    private static Map<String, float[]> mix(Map<String, float[]> p, Map<String, float[]> r, double alpha) {
        float a = (float) alpha;
        float b = (float) (1 - alpha);
        Map<String, float[]> out = new LinkedHashMap<>();
        p.forEach((name, pv) -> {
            float[] rv = r.get(name);
            float[] m = new float[pv.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = rv[i] * b + pv[i] * a;
            }
            out.put(name, m);
        });
        return out;
    }

    private static void assertWeights(Map<String, float[]> expected, Map<String, float[]> actual, float tolerance, String what) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), tolerance, what + ": " + name));
    }

    private static boolean same(Map<String, float[]> a, Map<String, float[]> b) {
        return a.keySet().stream().allMatch(n -> java.util.Arrays.equals(a.get(n), b.get(n)));
    }

    @Test
    void softUpdatesFollowTheRecursionOnThePolicySnapshots() throws IOException {
        double alpha = 0.6;
        Trace t = train(4, 2, alpha);
        assertEquals(Math.log(2), t.firstLoss(), 1e-5, "the reference starts as a copy of the policy");
        Map<String, float[]> r2 = mix(t.policy().get(2), t.reference().get(0), alpha);
        Map<String, float[]> r4 = mix(t.policy().get(4), r2, alpha);
        // float32 products and sums, in libtorch as here: equal up to one rounding either way
        assertWeights(t.reference().get(0), t.reference().get(1), 0f, "step 1: not a sync step");
        assertWeights(r2, t.reference().get(2), 1e-7f, "step 2");
        assertWeights(t.reference().get(2), t.reference().get(3), 0f, "step 3: not a sync step");
        assertWeights(r4, t.reference().get(4), 1e-7f, "step 4");
        // and the update is visible: the reference moved towards, but not onto, the policy
        assertFalse(same(t.reference().get(4), t.reference().get(0)));
        assertFalse(same(t.reference().get(4), t.policy().get(4)));
    }

    @Test
    void alphaOneCopiesThePolicyExactly() throws IOException {
        Trace t = train(3, 2, 1.0);
        assertWeights(t.policy().get(2), t.reference().get(2), 0f, "step 2: a hard copy");
        assertWeights(t.policy().get(2), t.reference().get(3), 0f, "step 3: still the step-2 policy");
        assertFalse(same(t.policy().get(3), t.policy().get(2)), "the policy trained on");
    }

    @Test
    void syncEveryZeroLeavesTheReferenceUntouched() throws IOException {
        Trace t = train(3, 0, 0.6);
        for (int step = 1; step <= 3; step++) {
            assertWeights(t.reference().get(0), t.reference().get(step), 0f, "step " + step);
        }
        assertFalse(same(t.policy().get(3), t.policy().get(0)), "the policy trained");
    }

    @Test
    void aReferenceOfAnotherArchitectureIsRefused() throws IOException {
        Path data = SmallRuns.writePairs(dir, 48);
        Path llama = RandomModelFolder.write("llama", "tiny", dir.resolve("llama"), 1).folder();
        Path qwen2 = RandomModelFolder.write("qwen2", "tiny", dir.resolve("qwen2"), 1).folder();
        RunConfig base = SmallRuns.dpo(data, 1, 0, new ReferenceConfig(null));
        java.util.function.IntFunction<RunConfig> syncing = every -> new RunConfig(
                new ModelConfig(llama.toString(), "tiny", "llama"), new ReferenceConfig(qwen2.toString(), false, every, 0.6),
                base.data(), base.loss(), base.optim(), base.schedule(), base.train(), base.eval(), base.output());
        Path runDir = Files.createDirectories(dir.resolve("run"));

        // a frozen reference may differ (same vocabulary): accepted
        DpoTrainer.create(syncing.apply(0), runDir, line -> {}, dir.resolve("cache")).close();
        UserInputException e = assertThrows(UserInputException.class,
                () -> DpoTrainer.create(syncing.apply(2), runDir, line -> {}, dir.resolve("cache")));
        assertTrue(e.getMessage().startsWith("reference.sync_every: TR-DPO mixes the policy's weights into the reference,"
                + " so reference.path must have the policy's architecture, but " + qwen2 + " differs from " + llama
                + " in config.json: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
