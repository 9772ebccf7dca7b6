package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.dpo4j.trainer.checkpoint.SafetensorsFile;
import org.dpo4j.trainer.checkpoint.StepCheckpoints;
import org.dpo4j.trainer.checkpoint.TensorEntry;
import org.dpo4j.trainer.config.OutputConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.SaveConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsLog;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.CheckpointWriter;
import org.dpo4j.trainer.run.ConfigFingerprint;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a checkpoint folder holds, and that it says what the run did. */
class CheckpointLayoutTest {

    @TempDir Path runDir;

    /** The tiny preset, 7 steps of batch 8, logs at 4 and 7, checkpoints every 2, final/ in bf16. */
    private static RunConfig sevenSteps() {
        RunConfig base = TestConfigs.tiny(7, 1e-3, 4);
        return new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(), base.schedule(),
                base.train(), base.eval(), new SaveConfig(2, 2), new OutputConfig(null, "bf16", "2GB"));
    }

    @Test
    void aCheckpointHoldsTheModelInFloat32TheMomentsAndTheState() throws Exception {
        Map<String, float[]> trained = new java.util.LinkedHashMap<>();
        List<MetricsRecord> logged = new ArrayList<>();
        try (DpoTrainer trainer = DpoTrainer.create(sevenSteps(), runDir, line -> {})) {
            trainer.run(new TrainingListener() {
                @Override
                public void onLog(MetricsRecord record) {
                    logged.add(record);
                }
            });
            trainer.policyWeights().all().forEach((name, t) -> trained.put(name, t.toFloatArray()));
        }
        // every 2 steps plus the end: 2, 4, 6, 7; keep_last 2; nothing else in the folder
        try (Stream<Path> s = Files.list(runDir.resolve(StepCheckpoints.DIR))) {
            assertEquals(List.of("step-6", "step-7"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Path last = StepCheckpoints.folder(runDir, 7);
        try (Stream<Path> s = Files.list(last)) {
            assertEquals(List.of("SHA256SUMS", "model", "optimizer.safetensors", "trainer_state.json"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }

        // model/: a Hugging Face folder in float32 although output.save_dtype is bf16, holding the final weights
        JsonNode hfConfig = new ObjectMapper().readTree(last.resolve("model/config.json").toFile());
        assertEquals("float32", hfConfig.get("torch_dtype").asText());
        assertTrue(Files.isRegularFile(last.resolve("model/tokenizer.json")));
        try (SafetensorsFile model = SafetensorsFile.open(last.resolve("model/model.safetensors"));
                SafetensorsFile bf16 = SafetensorsFile.open(runDir.resolve("final/model.safetensors"))) {
            assertEquals(trained.keySet(), model.entries().keySet());
            for (TensorEntry e : model.entries().values()) {
                assertEquals("F32", e.dtype(), e.name());
                assertArrayEquals(trained.get(e.name()), model.readFloats(e.name()), 0f, e.name());
            }
            assertTrue(bf16.entries().values().stream().allMatch(e -> e.dtype().equals("BF16")), "final/ as configured");
        }

        // optimizer.safetensors: m and v per parameter, named after it, and AdamW's step count
        try (SafetensorsFile optimizer = SafetensorsFile.open(last.resolve(CheckpointWriter.OPTIMIZER))) {
            Set<String> expected = new LinkedHashSet<>();
            trained.keySet().forEach(name -> {
                expected.add(name + ".exp_avg");
                expected.add(name + ".exp_avg_sq");
            });
            assertEquals(List.copyOf(expected), List.copyOf(optimizer.entries().keySet()));
            assertEquals("7", optimizer.metadata().get("step"));
            for (String name : trained.keySet()) {
                assertEquals(trained.get(name).length, optimizer.entry(name + ".exp_avg_sq").elementCount());
                for (float v : optimizer.readFloats(name + ".exp_avg_sq")) {
                    assertTrue(v >= 0, "a second moment is a mean of squares");
                }
            }
        }

        // trainer_state.json: 7 batches of 8 served from one epoch, everything logged, the log's length
        JsonNode state = new ObjectMapper().readTree(last.resolve(StepCheckpoints.STATE_FILE).toFile());
        assertEquals(7, state.get("global_step").asInt());
        assertEquals(7, state.get("max_steps").asInt());
        assertEquals(0, state.get("skipped_steps").asInt());
        assertEquals(0, state.get("data").get("epoch").asInt());
        assertEquals(7, state.get("data").get("batch").asInt());
        MetricsRecord lastLog = logged.get(logged.size() - 1);
        assertEquals(7, lastLog.step());
        assertEquals(lastLog.get(MetricNames.NUM_TOKENS), state.get("num_tokens").asDouble(), 0.0);
        assertEquals(0.0, state.get("log_window").get("pairs").asDouble(), "step 7 was logged: the window is empty");
        assertEquals(Files.size(runDir.resolve(MetricsLog.FILE_NAME)), state.get("metrics_bytes").asLong(),
                "the end checkpoint comes after the final evaluation, the last line");
        assertEquals("dpo", state.get("config").get("loss").get("type").asText());
        assertEquals(ConfigFingerprint.of(sevenSteps()).sha256(), state.get("config_sha256").asText());

        // the checkpoint of step 6 has steps 5 and 6 open in its window (logs at 4 and 7): 16 pairs
        JsonNode six = new ObjectMapper().readTree(StepCheckpoints.folder(runDir, 6).resolve(StepCheckpoints.STATE_FILE).toFile());
        assertEquals(16.0, six.get("log_window").get("pairs").asDouble());
        assertEquals(MetricNames.LOSS, six.get("log_window").get("sums").fieldNames().next());
    }

    /**
     * After one AdamW step m = (1 − β1)·g and v = (1 − β2)·g² for the clipped gradient g, so
     * v = (1 − β2)/(1 − β1)²·m² = 0.001/0.01·m² = 0.1·m² in every element: the two files are the
     * first and the second moment, in that order, of the same parameter.
     */
    @Test
    void afterOneStepTheSecondMomentIsATenthOfTheFirstSquared() throws Exception {
        RunConfig base = TestConfigs.tiny(1, 1e-3, 1);
        RunConfig one = new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(), base.schedule(),
                new TrainConfig(8, 1, 1, null, true, 42L, "cpu", 1), base.eval(), new SaveConfig(1, 1), base.output());
        DpoTrainer.train(one, runDir, TrainingListener.NONE);
        try (SafetensorsFile optimizer = SafetensorsFile.open(StepCheckpoints.folder(runDir, 1).resolve(CheckpointWriter.OPTIMIZER))) {
            assertEquals("1", optimizer.metadata().get("step"));
            int nonZero = 0;
            for (String name : optimizer.entries().keySet()) {
                if (!name.endsWith(".exp_avg")) {
                    continue;
                }
                float[] m = optimizer.readFloats(name);
                float[] v = optimizer.readFloats(name + "_sq");
                for (int i = 0; i < m.length; i++) {
                    double expected = 0.1 * (double) m[i] * m[i];
                    assertEquals(expected, v[i], 1e-5 * expected + 1e-30, name + "[" + i + "]");
                    nonZero += m[i] != 0 ? 1 : 0;
                }
            }
            assertTrue(nonZero > 1000, "gradients reached the parameters");
        }
    }
}
