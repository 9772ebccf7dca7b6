package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} and {@code generate} end to end, in the README's forms, on one short real run
 * ({@code train --output-dir runs/quick}, 10 steps) of the default tiny preset, whose held-out
 * pairs are {@code examples/pairs.jsonl}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class EvalGenerateCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double LN2 = Math.log(2);

    private Path work;

    private RealRuns runs;
    private Map<String, Double> runEval;

    @BeforeAll
    void trainTheQuickRun(@TempDir Path dir) throws IOException {
        work = dir;
        runs = new RealRuns(work);
        Path examples = Files.createDirectories(work.resolve("examples"));
        for (String name : List.of("pairs.jsonl", "prompts.jsonl")) {
            Files.copy(TestSupport.projectRoot().resolve("examples").resolve(name), examples.resolve(name));
        }
        TestSupport.Result r = runs.run("train", "--output-dir", "runs/quick", "--max-steps", "10",
                "--set", "data.eval=" + examples.resolve("pairs.jsonl"));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(work.resolve("runs/quick/metrics.jsonl"));
        JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
        assertTrue(last.has("eval/loss"), "the run ends with its final evaluation: " + last);
        runEval = JSON.convertValue(last, JSON.getTypeFactory().constructMapType(Map.class, String.class, Double.class));
    }

    @Test
    void evalOfARunsFinalModelAgainstItsInitialModelGivesTheRunsOwnLastEvaluation() throws IOException {
        TestSupport.Result r = runs.run("eval", "--model", "runs/quick/final", "--data", "examples/pairs.jsonl",
                "--output-dir", "runs/quick-eval");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reference: llama preset tiny initialised from seed 42"), r.out());
        JsonNode summary = JSON.readTree(work.resolve("runs/quick-eval/summary.json").toFile());
        assertEquals(6, summary.get("pairs").asInt());
        JsonNode metrics = summary.get("metrics");
        int compared = 0;
        for (Map.Entry<String, Double> e : runEval.entrySet()) {
            if (e.getKey().startsWith("eval/")) {
                assertTrue(metrics.has(e.getKey()), e.getKey());
                assertEquals(e.getValue(), metrics.get(e.getKey()).asDouble(), 1e-5 * Math.max(1, Math.abs(e.getValue())),
                        e.getKey());
                compared++;
            }
        }
        assertTrue(compared >= 9, "every eval/ metric of the run: " + runEval.keySet());
        assertEquals(6, Files.readAllLines(work.resolve("runs/quick-eval/pairs.jsonl")).size());
        // the run's own per-pair file has the same lines, in the same order, with the same fields
        Path runPairs = work.resolve("runs/quick/eval/step-10.jsonl");
        JsonNode ours = JSON.readTree(Files.readAllLines(work.resolve("runs/quick-eval/pairs.jsonl")).get(0));
        JsonNode theirs = JSON.readTree(Files.readAllLines(runPairs).get(0));
        assertEquals(theirs.get("pair_id"), ours.get("pair_id"));
        assertEquals(theirs.get("chosen_reward").asDouble(), ours.get("chosen_reward").asDouble(), 1e-5);
    }

    @Test
    void aModelAgainstItselfGivesLn2AndZeroRewards() throws IOException {
        TestSupport.Result r = runs.run("eval", "--model", "runs/quick/final", "--reference", "runs/quick/final",
                "--data", "examples/pairs.jsonl", "--output-dir", "runs/self", "--batch-size", "4");
        assertEquals(0, r.code(), r.err());
        JsonNode m = JSON.readTree(work.resolve("runs/self/summary.json").toFile()).get("metrics");
        // policy = reference: every log-ratio is 0, so the DPO loss is softplus(0) = ln 2 and every reward 0;
        // accuracy counts chosen > rejected strictly, which no tie satisfies
        assertEquals(LN2, m.get("eval/loss").asDouble(), 1e-6);
        assertEquals(0, m.get("eval/rewards/chosen").asDouble(), 1e-6);
        assertEquals(0, m.get("eval/rewards/rejected").asDouble(), 1e-6);
        assertEquals(0, m.get("eval/rewards/margins").asDouble(), 1e-6);
        assertEquals(0, m.get("eval/rewards/accuracies").asDouble(), 0);
        assertEquals(6, Files.readAllLines(work.resolve("runs/self/pairs.jsonl")).size());
        assertTrue(Files.isRegularFile(work.resolve("runs/self/resolved-config.yaml")));
    }

    @Test
    void aLossThatNeedsAReferenceWithoutOneIsAUsageErrorAndReferenceFreeLossesNeedNone() throws IOException {
        Path model = runs.initModel("llama", "models/tiny", 3);
        TestSupport.Result r = runs.run("eval", "--model", "models/tiny", "--data", "examples/pairs.jsonl",
                "--output-dir", "runs/no-ref");
        assertEquals(2, r.code(), r.out());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("--reference"), r.err());
        assertFalse(Files.exists(work.resolve("runs/no-ref")), "nothing is left behind");

        TestSupport.Result simpo = runs.run("eval", "--model", model.toString(), "--data", "examples/pairs.jsonl",
                "--set", "loss.type=simpo", "--output-dir", "runs/simpo");
        assertEquals(0, simpo.code(), simpo.err());
        assertTrue(simpo.out().contains("reference: none"), simpo.out());
    }

    @Test
    void evalOfAMissingDataFileIsOneLineAndExitCode2() {
        TestSupport.Result r = runs.run("eval", "--model", "runs/quick/final", "--data", "examples/nope.jsonl");
        assertEquals(2, r.code(), r.out());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("nope.jsonl"), r.err());
    }

    @Test
    void generateSamplesWithTheirKlToTheReferenceAndTheSameSeedGivesTheSameText() throws IOException {
        String[] args = {"generate", "--model", "runs/quick/final", "--prompts", "examples/prompts.jsonl",
            "--reference", "runs/quick/final", "--num-samples", "2", "--max-new-tokens", "12", "--temperature", "0.8",
            "--top-p", "0.9", "--seed", "1", "--output", "samples.jsonl"};
        TestSupport.Result r = runs.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("prompt 3 ("), r.out());
        assertTrue(r.out().contains("distinct-1"), r.out());
        assertTrue(r.out().contains("KL to the reference"), r.out());
        List<String> lines = Files.readAllLines(work.resolve("samples.jsonl"));
        assertEquals(3 * 2, lines.size());
        for (String line : lines) {
            JsonNode sample = JSON.readTree(line);
            // the model against itself: each sample's log-ratio sum is 0 up to float rounding
            assertEquals(0, sample.get("kl").asDouble(), 1e-3, line);
            assertTrue(sample.get("tokens").asInt() >= 1 && sample.get("tokens").asInt() <= 12, line);
        }
        TestSupport.Result again = runs.run(args);
        assertEquals(r.out(), again.out(), "same seed, same samples");
    }

    @Test
    void generateInTheReadmesFormsGreedyAndOnePrompt() {
        TestSupport.Result r = runs.run("generate", "--model", "runs/quick/final", "--prompt", "Praise the soup.",
                "--max-new-tokens", "8", "--temperature", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("prompt 1 ("), r.out());
        assertTrue(r.out().contains("greedy"), r.out());
        assertFalse(r.out().contains("KL"), r.out());
    }

    @Test
    void generateRefusesBadValuesInOneLineWithExitCode2() throws IOException {
        Files.writeString(work.resolve("empty.txt"), "\n\n");
        String[][] cases = {
            {"generate", "--model", "runs/quick/final", "--prompt", "x", "--top-p", "1.5"},
            {"generate", "--model", "runs/quick/final", "--prompt", "x", "--top-p", "0"},
            {"generate", "--model", "runs/quick/final", "--prompt", "x", "--temperature", "-1"},
            {"generate", "--model", "runs/nope", "--prompt", "x"},
            {"generate", "--model", "runs/quick/final", "--prompts", "empty.txt"},
            {"generate", "--model", "runs/quick/final", "--prompts", "missing.txt"},
            {"generate", "--model", "runs/quick/final", "--prompt", "x", "--chat-template", "fancy"},
        };
        String[] expected = {"--top-p", "--top-p", "--temperature", "runs/nope", "empty.txt", "missing.txt", "--chat-template"};
        for (int i = 0; i < cases.length; i++) {
            TestSupport.Result r = runs.run(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + "\n" + r.err());
            assertTrue(r.err().lines().findFirst().orElse("").contains(expected[i]), r.err());
            if (!r.err().startsWith("usage error")) {
                TestSupport.assertOneLine(r.err());
            }
        }
        TestSupport.Result both = runs.run("generate", "--model", "runs/quick/final", "--prompt", "x", "--prompts", "p.txt");
        assertEquals(2, both.code());
    }

    @Test
    void helpShowsExamplesAndExitCodes() {
        for (String command : List.of("eval", "generate")) {
            TestSupport.Result r = runs.run(command, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Examples:") && r.out().contains("dpo4j " + command + " --model"), r.out());
            assertTrue(r.out().contains("Exit codes:"), r.out());
        }
        TestSupport.Result root = runs.run("--help");
        assertTrue(root.out().contains("dpo4j eval --model") && root.out().contains("dpo4j generate --model"), root.out());
    }
}
