package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RUN/eval/step-N.jsonl}: one line per held-out pair per evaluation, whose means are the
 * evaluation's {@code eval/} metrics and whose fields obey the loss's own formulas pair by pair.
 */
class PairResultsTest {

    /** The per-pair values are the float32 values the means were taken of: only summation order differs. */
    private static final double TOL = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private record Run(RunConfig config, Path dir, List<MetricsRecord> evals) {

        List<String> heldOutIds() {
            return PreparedData.prepare(config.data(), new ByteTokenizer(), null, config.train().seed()).eval().stream()
                    .map(TokenizedPair::id).toList();
        }

        List<JsonNode> lines(int step) {
            try {
                List<JsonNode> nodes = new ArrayList<>();
                for (String line : Files.readAllLines(dir.resolve("eval/step-" + step + ".jsonl"))) {
                    nodes.add(JSON.readTree(line));
                }
                return nodes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Run train(LossConfig loss, int maxSteps, int evalEvery) throws IOException {
        Path data = SmallRuns.writePairs(dir, 48);
        RunConfig config = SmallRuns.run(data, 0.25, maxSteps, evalEvery, new ReferenceConfig(null), loss);
        Path runDir = Files.createDirectories(dir.resolve("run"));
        List<MetricsRecord> evals = new ArrayList<>();
        DpoTrainer.train(config, runDir, new TrainingListener() {
            @Override
            public void onEval(MetricsRecord record) {
                evals.add(record);
            }
        });
        return new Run(config, runDir, evals);
    }

    private static double mean(List<JsonNode> lines, String field) {
        return lines.stream().mapToDouble(n -> n.get(field).asDouble()).average().orElseThrow();
    }

    private static List<String> fields(JsonNode line) {
        List<String> names = new ArrayList<>();
        line.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void everyEvaluationWritesOneLinePerHeldOutPairWhoseMeansAreTheEvalMetrics() throws IOException {
        Run run = train(LossConfig.Dpo.withBeta(0.1), 4, 2);
        assertEquals(List.of(2, 4), run.evals().stream().map(MetricsRecord::step).toList());
        List<String> heldOut = run.heldOutIds();
        assertEquals(12, heldOut.size(), "a quarter of 48 pairs, held out by prompt");
        for (MetricsRecord eval : run.evals()) {
            List<JsonNode> lines = run.lines(eval.step());
            assertEquals(heldOut, lines.stream().map(n -> n.get("pair_id").asText()).toList(), "step " + eval.step());
            for (JsonNode line : lines) {
                assertEquals(List.of("pair_id", "chosen_reward", "rejected_reward", "margin", "chosen_logp", "rejected_logp",
                        "ref_chosen_logp", "ref_rejected_logp", "loss"), fields(line));
            }
            assertEquals(eval.get("eval/rewards/margins"), mean(lines, "margin"), TOL);
            assertEquals(eval.get("eval/rewards/chosen"), mean(lines, "chosen_reward"), TOL);
            assertEquals(eval.get("eval/rewards/rejected"), mean(lines, "rejected_reward"), TOL);
            assertEquals(eval.get("eval/loss"), mean(lines, "loss"), TOL);
            // sequence log-probs are sums of ~50 tokens, ~ -200: float32 keeps ~1e-5 of them
            assertEquals(eval.get("eval/logps/chosen"), mean(lines, "chosen_logp"), 1e-4);
            assertEquals(eval.get("eval/logps/rejected"), mean(lines, "rejected_logp"), 1e-4);
            double wins = lines.stream().filter(n -> n.get("margin").asDouble() > 0).count() / (double) lines.size();
            assertEquals(eval.get("eval/rewards/accuracies"), wins, 1e-12);
            for (JsonNode n : lines) {
                // DPO, pair by pair: r = β(log π − log π_ref), margin = r_c − r_r, loss = softplus(−margin)
                double rc = 0.1 * (n.get("chosen_logp").asDouble() - n.get("ref_chosen_logp").asDouble());
                double rr = 0.1 * (n.get("rejected_logp").asDouble() - n.get("ref_rejected_logp").asDouble());
                assertEquals(rc, n.get("chosen_reward").asDouble(), TOL);
                assertEquals(rr, n.get("rejected_reward").asDouble(), TOL);
                double margin = n.get("margin").asDouble();
                assertEquals(n.get("chosen_reward").asDouble() - n.get("rejected_reward").asDouble(), margin, 1e-6);
                assertEquals(Math.log1p(Math.exp(-margin)), n.get("loss").asDouble(), TOL);
            }
        }
        assertFalse(run.lines(2).equals(run.lines(4)), "the policy trained between the two evaluations");
        try (Stream<Path> files = Files.list(run.dir().resolve("eval"))) {
            assertEquals(List.of("step-2.jsonl", "step-4.jsonl"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file is left");
        }
    }

    @Test
    void tdpoAddsTheSequenceKlsWhoseMeansAreTheKlMetrics() throws IOException {
        Run run = train(new LossConfig.Tdpo(null, null, null, null, null, null), 2, 0);
        MetricsRecord eval = run.evals().get(0);
        List<JsonNode> lines = run.lines(2);
        assertEquals(run.heldOutIds().size(), lines.size());
        assertEquals(List.of("pair_id", "chosen_reward", "rejected_reward", "margin", "chosen_logp", "rejected_logp",
                "ref_chosen_logp", "ref_rejected_logp", "chosen_kl", "rejected_kl", "loss"), fields(lines.get(0)));
        assertTrue(mean(lines, "chosen_kl") > 0, "the policy moved away from the reference");
        assertEquals(eval.get("eval/kl/chosen"), mean(lines, "chosen_kl"), TOL);
        assertEquals(eval.get("eval/kl/rejected"), mean(lines, "rejected_kl"), TOL);
        assertEquals(eval.get("eval/rewards/margins"), mean(lines, "margin"), TOL);
    }

    @Test
    void aReferenceFreeLossHasNoReferenceFields() throws IOException {
        Run run = train(new LossConfig.SimPo(null, null, null, null), 1, 0);
        List<JsonNode> lines = run.lines(1);
        assertEquals(List.of("pair_id", "chosen_reward", "rejected_reward", "margin", "chosen_logp", "rejected_logp", "loss"),
                fields(lines.get(0)));
        assertEquals(run.evals().get(0).get("eval/rewards/margins"), mean(lines, "margin"), TOL);
    }

    @Test
    void aotHasNoPerPairLossBecauseItsTermsAreByRank() throws IOException {
        Run run = train(new LossConfig.Aot(0.1, null, null), 1, 0);
        List<JsonNode> lines = run.lines(1);
        assertEquals(List.of("pair_id", "chosen_reward", "rejected_reward", "margin", "chosen_logp", "rejected_logp",
                "ref_chosen_logp", "ref_rejected_logp"), fields(lines.get(0)));
        assertEquals(run.evals().get(0).get("eval/rewards/margins"), mean(lines, "margin"), TOL);
    }
}
