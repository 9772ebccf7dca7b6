package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.checkpoint.SafetensorsFile;
import org.dpo4j.trainer.checkpoint.StepCheckpoints;
import org.dpo4j.trainer.config.NanPolicy;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.SaveConfig;
import org.dpo4j.trainer.config.ScheduleConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsLog;
import org.dpo4j.trainer.run.CheckpointWriter;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.PolicySaver;
import org.dpo4j.trainer.run.ResumePoint;
import org.dpo4j.trainer.run.TrainingFailedException;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.run.TrainingLoop;
import org.dpo4j.trainer.run.TrainingSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NaN injected deterministically with a learning rate of 1e30 (constant, no warmup). Step 1
 * has policy = reference, so its loss is ln 2 and finite. Its AdamW update moves every weight
 * with a gradient by about lr·sign(g) = ±1e30 (the first Adam step is lr·m̂/sqrt(v̂) = lr·sign(g)),
 * so at step 2 the attention scores, products of two such values (1e60), overflow float32
 * (max 3.4e38) to ±Inf, and the softmax over them gives NaN: step 2's loss is NaN.
 */
class NanPolicyTest {

    @TempDir Path runDir;

    private static RunConfig exploding(int steps, String nanPolicy) {
        RunConfig base = TestConfigs.tiny(steps, 1e30, 1);
        return new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(),
                new ScheduleConfig("constant", 0, 0.0),
                new TrainConfig(8, 1, steps, null, true, 42L, "cpu", 1, NanPolicy.fromConfig(nanPolicy)),
                base.eval(), new SaveConfig(1, 10), base.output());
    }

    @Test
    void stopFailsNamingTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
        TrainingFailedException e = assertThrows(TrainingFailedException.class,
                () -> DpoTrainer.train(exploding(5, "stop"), runDir, TrainingListener.NONE));
        assertEquals("training failed at step 2: the loss is NaN", e.getMessage());
        assertEquals(List.of(StepCheckpoints.folder(runDir, 1)), StepCheckpoints.complete(runDir),
                "step 1's checkpoint is intact, none was written from step 2");
        try (var s = Files.list(runDir.resolve(StepCheckpoints.DIR))) {
            assertEquals(1, s.count(), "no staging folder left behind");
        }
        List<String> lines = Files.readAllLines(runDir.resolve(MetricsLog.FILE_NAME));
        assertEquals(2, lines.size(), "the data record and step 1; nothing of step 2");
        assertFalse(Files.exists(runDir.resolve(PolicySaver.FINAL)));
        // the checkpoint is resumable: its config and files are complete
        ResumePoint.latest(runDir).checkConfig(exploding(5, "stop"));
    }

    @Test
    void skipStepDiscardsEachBadUpdateAndCountsIt() throws Exception {
        TrainingSummary summary = DpoTrainer.train(exploding(4, "skip_step"), runDir, TrainingListener.NONE);
        assertEquals(3, summary.skippedSteps(), "steps 2, 3 and 4 are NaN, as step 2 above");

        // the weights and AdamW's state after steps 2-4 are those after step 1, to the byte
        byte[] model1 = Files.readAllBytes(StepCheckpoints.folder(runDir, 1).resolve("model/model.safetensors"));
        byte[] optimizer1 = Files.readAllBytes(StepCheckpoints.folder(runDir, 1).resolve(CheckpointWriter.OPTIMIZER));
        for (int step = 2; step <= 4; step++) {
            Path folder = StepCheckpoints.folder(runDir, step);
            assertArrayEquals(model1, Files.readAllBytes(folder.resolve("model/model.safetensors")), "model at " + step);
            assertArrayEquals(optimizer1, Files.readAllBytes(folder.resolve(CheckpointWriter.OPTIMIZER)), "moments at " + step);
        }
        assertArrayEquals(model1, Files.readAllBytes(runDir.resolve("final/model.safetensors")));
        try (SafetensorsFile optimizer = SafetensorsFile.open(StepCheckpoints.folder(runDir, 4).resolve(CheckpointWriter.OPTIMIZER))) {
            assertEquals("1", optimizer.metadata().get(CheckpointWriter.STEP_METADATA), "one update applied");
        }

        // the data position still advances: 4 batches of 8 served
        JsonNode state = new ObjectMapper().readTree(StepCheckpoints.folder(runDir, 4).resolve(StepCheckpoints.STATE_FILE).toFile());
        assertEquals(4, state.get("global_step").asInt());
        assertEquals(3, state.get("skipped_steps").asInt());
        assertEquals(0, state.get("data").get("epoch").asInt());
        assertEquals(4, state.get("data").get("batch").asInt());

        List<String> lines = Files.readAllLines(runDir.resolve(MetricsLog.FILE_NAME));
        ObjectMapper json = new ObjectMapper();
        int trainPairs = json.readTree(lines.get(0)).get("data/train_pairs").asInt();
        JsonNode first = json.readTree(lines.get(1));
        assertEquals(Math.log(2), first.get(MetricNames.LOSS).asDouble(), 1e-6);
        assertEquals(0, first.get(MetricNames.SKIPPED_STEPS).asInt());
        for (int step = 2; step <= 4; step++) {
            JsonNode record = json.readTree(lines.get(step));
            assertEquals(step, record.get("step").asInt());
            assertEquals(step - 1, record.get(MetricNames.SKIPPED_STEPS).asInt());
            assertFalse(record.has(MetricNames.LOSS), "a window of skipped steps has no loss: " + record);
            assertFalse(record.has(MetricNames.GRAD_NORM), "a non-finite norm is left out: " + record);
            assertEquals(8.0 * step / trainPairs, record.get(MetricNames.EPOCH).asDouble(), 0.0);
        }
    }

    @Test
    void nonFiniteValuesAreNamedShort() {
        assertEquals("NaN", TrainingLoop.nonFinite(Double.NaN));
        assertEquals("Inf", TrainingLoop.nonFinite(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", TrainingLoop.nonFinite(Double.NEGATIVE_INFINITY));
        assertTrue(TrainConfig.NAN_POLICIES.contains("skip_step"));
    }
}
