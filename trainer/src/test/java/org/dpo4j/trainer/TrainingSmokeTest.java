package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.data.TinyPrefs;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.run.TrainingSummary;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.dpo4j.trainer.tokenizer.HfTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains the tiny preset for 20 steps and checks that it really trained. */
class TrainingSmokeTest {

    private static final int STEPS = 20;

    @TempDir static Path runDir;
    private static Map<String, float[]> before;
    private static Map<String, float[]> after;
    private static final List<MetricsRecord> logged = new ArrayList<>();
    private static final List<Integer> liveArraysPerStep = new ArrayList<>();
    private static final List<Long> tokensPerStep = new ArrayList<>();
    private static TrainingSummary summary;

    @BeforeAll
    static void train() {
        try (DpoTrainer trainer = DpoTrainer.create(TestConfigs.tiny(STEPS, 1e-3, 1), runDir, line -> {})) {
            before = snapshot(trainer);
            summary = trainer.run(new TrainingListener() {
                @Override
                public void onStep(int step, long tokens) {
                    liveArraysPerStep.add(trainer.liveArrays());
                    tokensPerStep.add(tokens);
                }

                @Override
                public void onLog(MetricsRecord record) {
                    logged.add(record);
                }
            });
            after = snapshot(trainer);
        }
    }

    private static Map<String, float[]> snapshot(DpoTrainer trainer) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : trainer.policyWeights().all().entrySet()) {
            copy.put(e.getKey(), e.getValue().toFloatArray());
        }
        return copy;
    }

    @Test
    void firstStepStartsAtLn2AndTheLossFalls() {
        // Step 1: policy == reference, so every pair's margin is 0 and the loss is ln 2.
        assertEquals(Math.log(2), logged.get(0).get(MetricNames.LOSS), 1e-5);
        double firstFive = logged.subList(0, 5).stream().mapToDouble(r -> r.get(MetricNames.LOSS)).average().orElseThrow();
        double lastFive = logged.subList(STEPS - 5, STEPS).stream().mapToDouble(r -> r.get(MetricNames.LOSS)).average().orElseThrow();
        assertTrue(lastFive < firstFive - 0.05, "loss did not fall: " + firstFive + " -> " + lastFive);
        assertTrue(summary.finalEval().get("eval/loss") < Math.log(2), "held-out loss not below ln 2");
    }

    @Test
    void eachStepReportsItsShareOfNumTokens() {
        assertEquals(STEPS, tokensPerStep.size());
        long sum = 0;
        for (int i = 0; i < STEPS; i++) {
            assertTrue(tokensPerStep.get(i) > 0, "step " + (i + 1) + " trained on no tokens");
            sum += tokensPerStep.get(i);
            assertEquals(sum, (long) logged.get(i).get(MetricNames.NUM_TOKENS), "num_tokens at step " + (i + 1));
        }
    }

    @Test
    void everyParameterChanged() {
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            assertFalse(Arrays.equals(before.get(name), after.get(name)), name + " did not change");
        }
    }

    @Test
    void nothingIsNaN() throws Exception {
        for (float[] values : after.values()) {
            for (float v : values) {
                assertTrue(Float.isFinite(v), "non-finite parameter");
            }
        }
        List<String> lines = Files.readAllLines(runDir.resolve("metrics.jsonl"));
        assertEquals(STEPS + 2, lines.size(), "the data record, one record per step, the final evaluation");
        JsonNode data = new ObjectMapper().readTree(lines.get(0));
        assertEquals(0, data.get("step").asInt());
        // every built-in pair fits max_length 128, so the split keeps all of them
        assertEquals(TinyPrefs.SIZE, data.get("data/train_pairs").asInt() + data.get("data/eval_pairs").asInt());
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            assertTrue(node.has("step"));
            node.fields().forEachRemaining(f -> assertTrue(f.getValue().isNumber() && Double.isFinite(f.getValue().asDouble()), line));
        }
    }

    @Test
    void recordsCarryTheTrlMetricNames() {
        List<String> expected = List.of(
                MetricNames.LOSS, MetricNames.GRAD_NORM, MetricNames.LEARNING_RATE, MetricNames.EPOCH,
                MetricNames.NUM_TOKENS, MetricNames.REWARDS_CHOSEN, MetricNames.REWARDS_REJECTED,
                MetricNames.REWARDS_ACCURACIES, MetricNames.REWARDS_MARGINS, MetricNames.LOGPS_CHOSEN,
                MetricNames.LOGPS_REJECTED, MetricNames.LOGITS_CHOSEN, MetricNames.LOGITS_REJECTED);
        assertTrue(logged.get(0).values().keySet().containsAll(expected), logged.get(0).values().keySet().toString());
        for (String name : expected) {
            if (!name.equals(MetricNames.GRAD_NORM) && !name.equals(MetricNames.LEARNING_RATE)
                    && !name.equals(MetricNames.EPOCH) && !name.equals(MetricNames.NUM_TOKENS)) {
                assertTrue(summary.finalEval().values().containsKey("eval/" + name), "eval/" + name);
            }
        }
    }

    @Test
    void nativeMemoryIsFlatAcrossSteps() {
        // Every step's arrays live in a closed scope: the number of live arrays after step 2
        // (optimizer state exists from construction) is the number after the last step.
        assertEquals(liveArraysPerStep.get(1), liveArraysPerStep.get(STEPS - 1));
    }

    @Test
    void finalFolderHoldsTheTrainedPolicyAndItsTokenizer() {
        Path folder = summary.finalModel();
        assertEquals(runDir.resolve("final"), folder);
        try (NDManager manager = NDManager.newBaseManager();
                HfTokenizer tokenizer = HfTokenizer.load(folder)) {
            LoadedModel loaded = HfModelLoader.load(folder, 128, manager);
            assertEquals(ModelPresets.of("llama", "tiny", new ByteTokenizer().vocabSize()), loaded.architecture());
            assertEquals(after.keySet(), loaded.weights().all().keySet());
            after.forEach((name, values) ->
                    assertArrayEquals(values, loaded.weights().get(name).toFloatArray(), 0f, name + " differs in final/"));
            String text = "Praise: the café was lovely.\n";
            assertArrayEquals(new ByteTokenizer().encode(text), tokenizer.encode(text));
            assertEquals(ByteTokenizer.BOS, tokenizer.bosId());
            assertEquals(ByteTokenizer.EOS, tokenizer.eosId());
        }
    }
}
