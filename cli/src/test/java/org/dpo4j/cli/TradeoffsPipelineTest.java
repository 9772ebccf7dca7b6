package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.cli.command.Trainer;
import org.dpo4j.trainer.reward.RewardKind;
import org.dpo4j.trainer.reward.SentimentReward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trade-offs reproduction (configs/experiments/, docs/results.md) reduced to a pipeline check:
 * the SFT stage for 3 steps, a sweep of two methods x two betas x one seed from it (2 steps each,
 * a checkpoint per step, child JVMs), then {@code report} and {@code generate --reward}. It checks
 * that every piece is there and consistent, not what the papers claim.
 */
public class TradeoffsPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path work;

    @Test
    void sftThenSweepThenReport() throws Exception {
        Path experiments = TestSupport.projectRoot().resolve("configs/experiments");
        RealRuns runs = new RealRuns(work);
        TestSupport.Result sft = runs.run("train", "--config", experiments.resolve("tradeoffs-sft.yaml").toString(),
                "--max-steps", "3", "--output-dir", "sft");
        assertEquals(0, sft.code(), sft.err());
        Path sftModel = work.resolve("sft/final");

        // the experiment's own run config as the base; model.path absolute (it resolves against the JVM's directory)
        TestSupport.write(work, "sweep.yaml", "base: " + experiments.resolve("tradeoffs-run.yaml") + "\n"
                + "overrides: {model.path: '" + sftModel + "', train.max_steps: 2, save.every: 1,"
                + " data.eval_fraction: 0.02, schedule.warmup_steps: 0}\n"
                + "grid:\n"
                + "  loss: [{type: dpo}, {type: tdpo, variant: tdpo2}]\n"
                + "  loss.beta: [0.1, 0.5]\n"
                + "  train.seed: [1]\n");
        CliEnvironment env = new CliEnvironment(Trainer.DJL, work, TestSupport.CLOCK, false);
        TestSupport.Result sweep = TestSupport.run(env, "sweep", "--config", "sweep.yaml", "--output-dir", "sw",
                "--parallel", "2");
        assertEquals(0, sweep.code(), sweep.out() + sweep.err());

        String[] reportArgs = {"report", "sw", "--num-samples", "2", "--max-new-tokens", "8"};
        TestSupport.Result report = TestSupport.run(env, reportArgs);
        assertEquals(0, report.code(), report.out() + report.err());
        Path dir = work.resolve("sw/report");
        String md = Files.readString(dir.resolve("report.md"));
        for (String method : List.of("dpo", "tdpo")) {
            for (String beta : List.of("0.1", "0.5")) {
                assertTrue(md.contains("| " + method + " | " + beta + " | 1 |"), method + " " + beta + ":\n" + md);
            }
        }

        // scores.csv: 4 runs x (step 0 = the reference, steps 1 and 2)
        List<String> csv = Files.readAllLines(dir.resolve("scores.csv"));
        List<String> header = List.of(csv.get(0).split(","));
        assertEquals(1 + 4 * 3, csv.size(), String.join("\n", csv));
        int step = header.indexOf("step");
        int kl = header.indexOf("kl");
        int reward = header.indexOf("reward");
        String stepZero = null;
        for (String line : csv.subList(1, csv.size())) {
            String[] cells = line.split(",");
            double k = Double.parseDouble(cells[kl]);
            assertTrue(Double.isFinite(k), line);
            double r = Double.parseDouble(cells[reward]);
            // at most 8 tokens per sample: a few words, each adjective +-1
            assertTrue(Math.abs(r) <= 8, line);
            if (cells[step].equals("0")) {
                // the reference scored against itself: KL 0 up to float32 rounding (cached decode vs full forward)
                assertTrue(Math.abs(k) < 1e-3, line);
                String scores = String.join(",", List.of(cells).subList(step, cells.length));
                assertTrue(stepZero == null || stepZero.equals(scores), "one reference, scored once: " + line);
                stepZero = scores;
            }
        }
        for (String svg : List.of("reward_vs_kl.svg", "reward_vs_entropy.svg", "reward_vs_distinct2.svg",
                "kl_over_steps.svg", "reward_over_steps.svg")) {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve(svg).toFile());
            assertEquals("svg", doc.getDocumentElement().getTagName(), svg);
            if (svg.startsWith("reward_vs")) {
                assertEquals(4, doc.getElementsByTagName("circle").getLength(), svg + ": 2 methods x 2 betas");
            } else {
                assertEquals(2 * 3, doc.getElementsByTagName("circle").getLength(), svg + ": 2 methods x 3 steps");
            }
        }

        // a second report samples nothing new and writes the same scores
        TestSupport.Result again = TestSupport.run(env, reportArgs);
        assertEquals(0, again.code(), again.err());
        assertFalse(again.out().contains("scoring"), again.out());
        assertEquals(csv, Files.readAllLines(dir.resolve("scores.csv")));
    }

    @Test
    void generateWithARewardScoresEachPromptsSamples() throws Exception {
        RealRuns runs = new RealRuns(work);
        assertEquals(0, runs.train("m", 2).code());
        TestSupport.Result r = runs.run("generate", "--model", "m/final", "--reference", "m/final", "--reward", "sentiment",
                "--num-samples", "3", "--max-new-tokens", "12", "--output", "s.jsonl", "--scores", "s.json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reward (sentiment)"), r.out());
        JsonNode scores = JSON.readTree(work.resolve("s.json").toFile());
        List<String> prompts = RewardKind.SENTIMENT.defaultPrompts();
        assertEquals("sentiment", scores.get("reward").asText());
        assertEquals(prompts.size(), scores.get("prompts").size());
        assertEquals(3 * prompts.size(), scores.get("overall").get("samples").asInt());

        // each prompt's mean reward, recomputed from the written completions with the reward itself
        SentimentReward reward = new SentimentReward();
        Map<Integer, List<Double>> byPrompt = new HashMap<>();
        for (String line : Files.readAllLines(work.resolve("s.jsonl"))) {
            JsonNode row = JSON.readTree(line);
            byPrompt.computeIfAbsent(row.get("prompt_index").asInt(), k -> new ArrayList<>())
                    .add(reward.score(row.get("prompt").asText(), row.get("completion").asText()));
        }
        double overall = 0;
        for (JsonNode p : scores.get("prompts")) {
            List<Double> rs = byPrompt.get(p.get("index").asInt());
            double mean = rs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertEquals(mean, p.get("scores").get("mean_reward").asDouble(), 1e-12, p.toString());
            assertEquals(prompts.get(p.get("index").asInt()), p.get("prompt").asText());
            overall += mean / prompts.size();
            // the model against itself
            assertTrue(Math.abs(p.get("scores").get("mean_kl").asDouble()) < 1e-3, p.toString());
        }
        // equal samples per prompt: the overall mean is the mean of the prompts' means
        assertEquals(overall, scores.get("overall").get("mean_reward").asDouble(), 1e-12);

        TestSupport.Result bad = runs.run("generate", "--model", "m/final", "--reward", "stars");
        assertEquals(2, bad.code());
        TestSupport.assertOneLine(bad.err());
        assertTrue(bad.err().contains("--reward: unknown reward 'stars' (allowed: sentiment)"), bad.err());
    }
}
