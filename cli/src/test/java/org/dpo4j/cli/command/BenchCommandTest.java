package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.cli.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dpo4j bench} in-process on a very small workload: it must run and report sane figures.
 * How fast anything is, is never asserted here (see docs/performance.md).
 */
public class BenchCommandTest {

    /** The phases of a step, in the order the step runs them. */
    private static final List<String> PHASES = List.of("data", "reference_forward", "policy_forward", "loss",
            "metrics", "policy_backward", "optimizer");

    @TempDir
    Path work;

    private TestSupport.Result run(String... args) {
        return TestSupport.run(TestSupport.env(new TestSupport.FakeTrainer(), work), args);
    }

    private JsonNode bench(String json, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("bench", "--preset", "tiny", "--steps", "2", "--warmup", "1",
                "--batch-size", "2", "--seq-len", "32", "--matmul-size", "256", "--json", json));
        args.addAll(List.of(extra));
        TestSupport.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("MFU") && r.out().contains("policy_backward"), r.out());
        assertTrue(r.out().contains("figures written to " + json), r.out());
        return new ObjectMapper().readTree(Files.readString(work.resolve(json)));
    }

    @Test
    void liveReferenceFiguresAreSane() throws IOException {
        JsonNode j = bench("live.json");
        for (String key : List.of("tokens_per_s", "steps_per_s", "mfu", "matmul_peak_gflops", "peak_rss_mb",
                "time_split", "preset", "reference")) {
            assertTrue(j.has(key) && !j.get(key).isNull(), key + " in " + j);
        }
        assertEquals("tiny", j.get("preset").asText());
        assertEquals("live", j.get("reference").asText());
        assertEquals("dpo", j.get("loss").asText());
        assertEquals(429_440, j.get("params").asLong(), "the default run's model (README)");
        double seconds = j.get("seconds").asDouble();
        double stepsPerSecond = j.get("steps_per_s").asDouble();
        assertTrue(seconds > 0 && stepsPerSecond > 0, j.toString());
        assertEquals(2 / seconds, stepsPerSecond, 1e-9 * stepsPerSecond);
        // 2 pairs → 4 rows of 32 tokens, 8 of them prompt: 128 tokens, 96 scored, per step
        assertEquals(128 * stepsPerSecond, j.get("tokens_per_s").asDouble(), 1e-9 * stepsPerSecond);
        assertEquals(96 * stepsPerSecond, j.get("scored_tokens_per_s").asDouble(), 1e-9 * stepsPerSecond);
        double mfu = j.get("mfu").asDouble();
        assertTrue(mfu > 0 && mfu <= 1, "MFU is a fraction: " + mfu);
        assertEquals(j.get("achieved_gflops").asDouble() / j.get("matmul_peak_gflops").asDouble(), mfu, 1e-9);
        assertTrue(j.get("peak_rss_mb").asDouble() > 0 && j.get("peak_heap_mb").asDouble() > 0, j.toString());
        assertTrue(j.get("minor_faults_per_step").asDouble() >= 0 && j.get("major_faults_per_step").asDouble() >= 0);
        assertTrue(j.get("startup_s").asDouble() > 0);
        assertTrue(j.get("reference_precompute_s").isNull(), "nothing was precomputed");

        JsonNode split = j.get("time_split");
        List<String> phases = new ArrayList<>();
        split.fieldNames().forEachRemaining(phases::add);
        assertEquals(PHASES, phases);
        double sum = 0;
        for (String phase : PHASES) {
            double s = split.get(phase).asDouble();
            assertTrue(s > 0, phase + " ran in every step: " + s);
            sum += s;
        }
        assertTrue(sum <= seconds, "the phases (" + sum + " s) fit in the timed steps (" + seconds + " s)");
        assertEquals(seconds - sum, j.get("time_unattributed_s").asDouble(), 1e-9);
    }

    /** WRPO's synthetic records have 3 rows each (source chosen, chosen, rejected), all scored. */
    @Test
    void wrpoBenchmarksThreeRowsPerPair() throws IOException {
        JsonNode j = bench("wrpo.json", "--set", "loss.type=wrpo");
        assertEquals("wrpo", j.get("loss").asText());
        double stepsPerSecond = j.get("steps_per_s").asDouble();
        // 2 pairs → 6 rows of 32 tokens, 8 of them prompt: 192 tokens, 144 scored, per step
        assertEquals(192 * stepsPerSecond, j.get("tokens_per_s").asDouble(), 1e-9 * stepsPerSecond);
        assertEquals(144, j.get("head_positions_per_forward").asLong());
    }

    @Test
    void precomputedReferenceCountsNoReferenceFlops() throws IOException {
        JsonNode j = bench("pre.json", "--reference", "precomputed");
        assertEquals("precomputed", j.get("reference").asText());
        assertTrue(j.get("reference_precompute_s").asDouble() > 0);
        // hand derivation in ModelFlopsTest: 2 pairs of 32 tokens with shared prompts of 8 are
        // 112 positions and 90,841,088 FLOPs forward; 3 forwards' worth for the policy, none for the reference
        assertEquals(112, j.get("positions_per_forward").asLong());
        assertEquals(96, j.get("head_positions_per_forward").asLong());
        assertEquals(3_200, j.get("attention_scores_per_forward").asLong());
        assertEquals(90_841_088.0 * 3, j.get("flops_per_step").asDouble());
    }

    @Test
    void wholeRowsCountEveryPositionAndAProfileTracesOneMoreStep() throws IOException {
        JsonNode j = bench("rows.json", "--set", "train.share_prompts=false", "--profile", "trace.json");
        // ModelFlopsTest: whole rows are 4·32 = 128 positions and 103,358,464 FLOPs forward;
        // policy 3 forwards' worth, the live reference 1
        assertEquals(128, j.get("positions_per_forward").asLong());
        assertEquals(103_358_464.0 * 4, j.get("flops_per_step").asDouble());
        String trace = Files.readString(work.resolve("trace.json"));
        assertTrue(trace.strip().startsWith("[") && trace.contains("\"aten::mm\""), "a Chrome trace: an array of op events");
    }

    @Test
    void aLongRunTracesResidentMemory() throws IOException {
        TestSupport.Result r = run("bench", "--preset", "tiny", "--steps", "200", "--warmup", "0", "--batch-size", "1",
                "--seq-len", "8", "--matmul-size", "64", "--json", "long.json");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode j = new ObjectMapper().readTree(Files.readString(work.resolve("long.json")));
        // 200 timed steps: settled a quarter in, but never before step 100; a sample after each tenth
        assertEquals(100, j.get("rss_settled_step").asInt());
        assertEquals(10, j.get("rss_mb_samples").size());
        assertTrue(j.get("rss_mb_settled").asDouble() > 0 && j.get("rss_mb_end").asDouble() > 0);
        assertTrue(Double.isFinite(j.get("rss_growth_after_settled").asDouble()));
        assertTrue(r.out().contains("RSS by tenths"), r.out());
        // a short run reports no growth: 2 steps cannot tell growth from noise
        JsonNode shortRun = bench("short.json");
        assertTrue(shortRun.get("rss_mb_settled").isNull() && shortRun.get("rss_mb_samples").isEmpty());
    }

    /**
     * Minor page faults are split by phase like the time: every phase present, none negative,
     * and together at most the step's count (faults after the last phase, while the step's
     * arrays are freed, belong to none).
     */
    @Test
    void faultsAreSplitByPhase() throws IOException {
        JsonNode j = bench("faults.json");
        JsonNode split = j.get("minor_faults_split");
        List<String> keys = new ArrayList<>();
        split.fieldNames().forEachRemaining(keys::add);
        assertEquals(PHASES, keys);
        double sum = 0;
        for (String phase : PHASES) {
            assertTrue(split.get(phase).asDouble() >= 0, phase + " in " + split);
            sum += split.get(phase).asDouble();
        }
        assertTrue(sum <= j.get("minor_faults_per_step").asDouble(), split + " vs " + j.get("minor_faults_per_step"));
    }

    /** A published model's shape replaces the config's model, so it cannot be combined with a folder. */
    @Test
    void aShapePresetRefusesAModelFolder() {
        TestSupport.Result r = run("bench", "--preset", "qwen05", "--set", "model.path=some/folder");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("--preset qwen05: model.path is set"), r.err());
        assertFalse(r.out().contains("dpo4j bench:"), "nothing started: " + r.out());
        assertTrue(run("bench", "--help").out().contains("qwen05"));
    }

    @Test
    void helpHasExamples() {
        TestSupport.Result r = run("bench", "--help");
        assertEquals(0, r.code());
        for (String option : List.of("--preset=SIZE", "--steps=N", "--batch-size=PAIRS", "--seq-len=T",
                "--reference=MODE", "--json=FILE", "--config=FILE", "--threads=N")) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
        assertTrue(r.out().contains("Examples:") && r.out().contains("dpo4j bench --preset small"), r.out());
    }

    @Test
    void badOptionsAreOneLineAndExit2BeforeAnyWork() {
        TestSupport.Result r = run("bench", "--steps", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("usage error: --steps: must be >= 1, got 0"), r.err());
        r = run("bench", "--reference", "cached");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("usage error: --reference: 'cached' is not one of [live, precomputed]"), r.err());
        r = run("bench", "--preset", "huge");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("model.preset") && r.err().contains("--preset huge"), r.err());
        r = run("bench", "--json", "missing/out.json");
        assertEquals(2, r.code());
        assertEquals("error: --json: missing/out.json: the folder " + work.resolve("missing") + " does not exist",
                r.err().strip());
        assertFalse(r.out().contains("dpo4j bench:"), "nothing started: " + r.out());
    }
}
