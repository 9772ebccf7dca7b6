package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.cli.rundir.RunPlotsTest;
import org.dpo4j.trainer.run.DpoTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dpo4j train} with no config: the embedded default run, trained for real, end to end
 * through the command line. This is the README's first command, minus the launcher.
 */
public class DefaultRunEndToEndTest {

    @TempDir Path workDir;

    @Test
    void defaultRunLearnsTheTinyPrefsRuleOnHeldOutPairs() throws Exception {
        CliEnvironment env = new CliEnvironment(DpoTrainer::train, workDir, TestSupport.CLOCK, false);
        TestSupport.Result result = TestSupport.run(env, "train", "--output-dir", "run");
        assertEquals(0, result.code(), result.err());

        Path runDir = workDir.resolve("run");
        assertTrue(Files.isRegularFile(runDir.resolve("resolved-config.yaml")));
        List<JsonNode> records = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl"))) {
            records.add(json.readTree(line));
        }
        JsonNode last = records.get(records.size() - 1);
        assertEquals(200, last.get("step").asInt(), "the final evaluation closes metrics.jsonl");
        // The acceptance bar of the foundation issue: held-out reward accuracy at least 0.85.
        double accuracy = last.get("eval/rewards/accuracies").asDouble();
        assertTrue(accuracy >= 0.85, "held-out accuracy " + accuracy);
        // step 0 describes the data; training records follow
        assertTrue(records.get(0).get("step").asInt() == 0 && records.get(0).has("data/train_pairs"));
        assertTrue(records.get(1).has("rewards/margins") && records.get(1).has("grad_norm"));
        assertTrue(result.out().contains("eval/rewards/accuracies"), "final evaluation printed");
        // the charts of the run, from its metrics.jsonl
        assertTrue(result.out().contains("plots: run/plots (loss.png, accuracy.png, margins.png, rewards.png)"),
                result.out());
        for (String chart : List.of("loss", "accuracy", "margins", "rewards")) {
            RunPlotsTest.assertPng(runDir.resolve("plots/" + chart + ".png"));
        }
        assertTrue(result.out().contains("training llama preset tiny for 200 steps on cpu()"), "the device is named");
    }
}
