package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dpo4j.losses.WrpoVariant;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.PreferencePair;
import org.dpo4j.trainer.data.TinyPrefs;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * D2O and WRPO train end to end on their own data formats (prompt, rejected, samples; prompt,
 * source_chosen, chosen, rejected): every step's loss is finite, and every held-out prompt's loss
 * in {@code eval/step-N.jsonl} is the loss's equation applied to the sequence log-probs written
 * beside it (policy and reference, each completion), WRPO's at the α of the step just trained.
 */
class GroupLossTrainingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** float32 values written and read back; the equation in float64 on them. */
    private static final double TOL = 2e-5;

    @TempDir Path dir;

    private Path write(String name, List<Map<String, Object>> records) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> record : records) {
            lines.add(JSON.writeValueAsString(record));
        }
        return Files.write(dir.resolve(name), lines);
    }

    private List<MetricsRecord> train(Path data, LossConfig loss, int steps, int evalEvery, Path runDir) {
        RunConfig config = SmallRuns.run(data, 0.25, steps, evalEvery, new ReferenceConfig(null), loss);
        List<MetricsRecord> logs = new ArrayList<>();
        DpoTrainer.train(config, runDir, new TrainingListener() {
            @Override
            public void onLog(MetricsRecord record) {
                logs.add(record);
            }
        });
        return logs;
    }

    private static List<JsonNode> lines(Path runDir, int step) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("eval/step-" + step + ".jsonl"))) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    @Test
    void d2oTrainsAndEachHeldOutLossIsItsEquation() throws IOException {
        double beta = 0.2;
        double alpha = 0.3;
        int k = 3;
        List<Map<String, Object>> records = new ArrayList<>();
        for (PreferencePair p : TinyPrefs.pairs().subList(0, 32)) {
            records.add(Map.of("prompt", p.prompt(), "rejected", p.rejected(),
                    "samples", List.of(p.chosen(), p.chosen() + " Indeed.", p.rejected() + " No.").subList(0, k)));
        }
        Path runDir = Files.createDirectories(dir.resolve("d2o"));
        List<MetricsRecord> logs = train(write("d2o.jsonl", records), new LossConfig.D2o(beta, alpha), 3, 3, runDir);
        assertEquals(3, logs.size());
        logs.forEach(r -> assertTrue(Double.isFinite(r.values().get(MetricNames.LOSS)), r.toString()));
        List<JsonNode> lines = lines(runDir, 3);
        assertEquals(8, lines.size(), "a quarter of 32 prompts held out");
        for (JsonNode line : lines) {
            JsonNode samples = line.get("samples_logp");
            JsonNode referenceSamples = line.get("ref_samples_logp");
            assertEquals(k, samples.size());
            assertEquals(samples.get(0).asDouble(), line.get("chosen_logp").asDouble(), 0.0, "sample 1 is slot 0");
            double mean = 0;
            for (int j = 0; j < k; j++) {
                mean += (samples.get(j).asDouble() - referenceSamples.get(j).asDouble()) / k;
            }
            double negative = line.get("rejected_logp").asDouble() - line.get("ref_rejected_logp").asDouble();
            double expected = softplus(alpha * negative - beta * mean);
            assertEquals(expected, line.get("loss").asDouble(), TOL * Math.max(1, expected), line.toString());
        }
    }

    @Test
    void wrpoTrainsAndEvaluatesAtTheAlphaOfTheStepJustTrained() throws IOException {
        double beta = 0.1;
        double alpha = 0.6;
        long warmup = 4;
        int steps = 2;
        List<Map<String, Object>> records = new ArrayList<>();
        for (PreferencePair p : TinyPrefs.pairs().subList(0, 32)) {
            records.add(Map.of("prompt", p.prompt(), "source_chosen", p.chosen() + " Gladly.", "chosen", p.chosen(),
                    "rejected", p.rejected()));
        }
        Path runDir = Files.createDirectories(dir.resolve("wrpo"));
        List<MetricsRecord> logs = train(write("wrpo.jsonl", records),
                new LossConfig.Wrpo(beta, alpha, 0.0, WrpoVariant.WRPO, warmup), steps, steps, runDir);
        logs.forEach(r -> assertTrue(Double.isFinite(r.values().get(MetricNames.LOSS)), r.toString()));
        // the evaluation after step 2 uses step 2's loss: 0-based step 1, α·1/warm-up
        double alphaT = alpha * (steps - 1) / warmup;
        for (JsonNode line : lines(runDir, steps)) {
            double source = line.get("source_chosen_logp").asDouble() - line.get("ref_source_chosen_logp").asDouble();
            double chosen = line.get("chosen_logp").asDouble() - line.get("ref_chosen_logp").asDouble();
            double rejected = line.get("rejected_logp").asDouble() - line.get("ref_rejected_logp").asDouble();
            double expected = softplus(-beta * (alphaT * source + (1 - alphaT) * chosen - rejected));
            assertEquals(expected, line.get("loss").asDouble(), TOL * Math.max(1, expected), line.toString());
        }
    }

    @Test
    void precomputingTheReferenceIsRefusedInOneLine() throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        for (PreferencePair p : TinyPrefs.pairs().subList(0, 8)) {
            records.add(Map.of("prompt", p.prompt(), "rejected", p.rejected(), "samples", List.of(p.chosen())));
        }
        RunConfig config = SmallRuns.run(write("d.jsonl", records), 0.25, 1, 0,
                new ReferenceConfig(null, true, 0, 0.6), new LossConfig.D2o(null, null));
        Path runDir = Files.createDirectories(dir.resolve("pre"));
        String message = assertThrows(UserInputException.class,
                () -> DpoTrainer.train(config, runDir, new TrainingListener() {})).getMessage();
        assertTrue(message.startsWith("reference.precompute: loss d2o scores rejected_and_samples"), message);
        assertTrue(message.contains("set reference.precompute: false"), message);
        assertTrue(!message.contains("\n"), message);
    }
}
