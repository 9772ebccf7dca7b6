package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code final/} is the trained policy exactly, tokenizer included: a run evaluating
 * {@code final/} against the run's initial model as {@code reference.path} scores the held-out
 * pairs as the run's own final evaluation did. Only a faithful save (f32 weights, every tensor
 * under its Hugging Face name) and a tokenizer that gives the same ids can do that.
 *
 * <p>The checking run has to take one optimizer step before its final evaluation; a learning
 * rate of 1e-30 (the smallest kind of "no step" the config allows: it must be > 0) leaves the
 * weights as loaded, to far below the tolerance.
 */
public class RealModelRoundTripTest {

    private static final String NO_STEP = "optim.lr=1e-30";

    @TempDir Path work;

    private RealRuns runs;

    @BeforeEach
    void newRuns() {
        runs = new RealRuns(work);
    }

    @Test
    void aTrainedModelFolderScoresAsTheRunThatTrainedIt() throws IOException {
        Path initial = runs.initModel("gpt2", "initial", 1);
        assertEquals(0, runs.train("trained", 3, "model.path=" + initial).code());

        TestSupport.Result check = runs.train("check", 1, NO_STEP,
                "model.path=" + work.resolve("trained/final"), "reference.path=" + initial);
        assertEquals(0, check.code(), check.err());
        assertSameEvaluation(finalEval("trained"), finalEval("check"));
    }

    @Test
    void aPresetRunsFinalFolderScoresAsThePresetRun() throws IOException {
        assertEquals(0, runs.train("trained", 3).code());
        // the preset's initial weights as a folder: same seed, one step that changes nothing
        assertEquals(0, runs.train("initial", 1, NO_STEP).code());
        Map<String, Double> initial = finalEval("initial");
        // reference = policy: every margin is 0 and the DPO loss is -log sigmoid(0) = ln 2
        assertEquals(Math.log(2), initial.get("eval/loss"), 1e-6, "the initial folder is its own reference");

        TestSupport.Result check = runs.train("check", 1, NO_STEP,
                "model.path=" + work.resolve("trained/final"), "reference.path=" + work.resolve("initial/final"));
        assertEquals(0, check.code(), check.err());
        // the preset's byte tokenizer went out as tokenizer.json; the same ids came back
        assertSameEvaluation(finalEval("trained"), finalEval("check"));
    }

    private static void assertSameEvaluation(Map<String, Double> expected, Map<String, Double> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        assertTrue(expected.get("eval/rewards/margins") != 0, "the trained policy differs from its reference");
        expected.forEach((key, value) ->
                assertEquals(value, actual.get(key), 1e-6 * Math.max(1, Math.abs(value)), key));
    }

    /** The eval/* values of the last record of a run's metrics.jsonl (the final evaluation). */
    private Map<String, Double> finalEval(String run) throws IOException {
        List<String> lines = Files.readAllLines(work.resolve(run).resolve("metrics.jsonl"));
        JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        Map<String, Double> eval = new TreeMap<>();
        last.fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("eval/")) {
                eval.put(e.getKey(), e.getValue().asDouble());
            }
        });
        assertTrue(eval.containsKey("eval/loss"), run + ": " + last);
        return eval;
    }
}
