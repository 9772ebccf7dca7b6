package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.data.PreferencePair;
import org.dpo4j.trainer.data.TinyPrefs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --num-samples K --d2o --output} writes D2O's data (prompt, rejected, K samples) from
 * a model for the built-in task's prompts and rejected answers, and {@code train} with
 * {@code loss.type=d2o} trains on it end to end.
 */
class D2oGenerateTrainTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROMPTS = 24;
    private static final int K = 2;

    @Test
    void generatedSamplesTrainD2o(@TempDir Path work) throws IOException {
        RealRuns runs = new RealRuns(work);
        Path model = runs.initModel("llama", "model", 1);
        List<PreferencePair> pairs = TinyPrefs.pairs().subList(0, PROMPTS);
        List<String> lines = new ArrayList<>();
        for (PreferencePair p : pairs) {
            lines.add(JSON.writeValueAsString(Map.of("prompt", p.prompt(), "rejected", p.rejected(), "chosen", p.chosen())));
        }
        Files.write(work.resolve("pairs.jsonl"), lines);

        TestSupport.Result generated = runs.run("generate", "--model", model.toString(), "--prompts", "pairs.jsonl",
                "--num-samples", Integer.toString(K), "--max-new-tokens", "6", "--seed", "3", "--d2o", "--output",
                "d2o.jsonl");
        assertEquals(0, generated.code(), generated.err());
        assertTrue(generated.out().contains("D2O records (prompt, rejected, samples) written to d2o.jsonl"),
                generated.out());
        List<String> records = Files.readAllLines(work.resolve("d2o.jsonl"));
        assertEquals(PROMPTS, records.size(), "one record per prompt");
        for (int i = 0; i < PROMPTS; i++) {
            JsonNode record = JSON.readTree(records.get(i));
            List<String> fields = new ArrayList<>();
            record.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("prompt", "rejected", "samples"), fields);
            assertEquals(pairs.get(i).prompt(), record.get("prompt").asText());
            assertEquals(pairs.get(i).rejected(), record.get("rejected").asText());
            assertEquals(K, record.get("samples").size());
        }

        TestSupport.Result trained = runs.train("runs/d2o", 2, "model.path=" + model, "loss.type=d2o",
                "data.train=" + work.resolve("d2o.jsonl"), "data.eval_fraction=0.25", "train.batch_size=4");
        assertEquals(0, trained.code(), trained.err());
        List<String> metrics = Files.readAllLines(work.resolve("runs/d2o/metrics.jsonl"));
        JsonNode last = JSON.readTree(metrics.get(metrics.size() - 1));
        assertTrue(last.has("eval/loss") && Double.isFinite(last.get("eval/loss").asDouble()), last.toString());
        Path evalFile;
        try (var files = Files.list(work.resolve("runs/d2o/eval"))) {
            evalFile = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        JsonNode held = JSON.readTree(Files.readAllLines(evalFile).get(0));
        assertEquals(K, held.get("samples_logp").size(), held.toString());
    }

    @Test
    void d2oWithoutRejectedOrOutputIsOneLine(@TempDir Path work) throws IOException {
        RealRuns runs = new RealRuns(work);
        Files.writeString(work.resolve("p.jsonl"), "{\"prompt\": \"Hi\"}\n");
        TestSupport.Result noOutput = runs.run("generate", "--model", "m", "--prompts", "p.jsonl", "--d2o");
        assertEquals(2, noOutput.code(), noOutput.err());
        assertTrue(noOutput.err().contains("--d2o: needs --prompts FILE.jsonl"), noOutput.err());
        Path model = runs.initModel("llama", "model", 1);
        TestSupport.Result noRejected = runs.run("generate", "--model", model.toString(), "--prompts", "p.jsonl", "--d2o",
                "--output", "o.jsonl");
        assertEquals(2, noRejected.code(), noRejected.err());
        assertTrue(noRejected.err().contains("p.jsonl:1: no \"rejected\" field"), noRejected.err());
        assertEquals(1, noRejected.err().strip().lines().count(), noRejected.err());
    }
}
