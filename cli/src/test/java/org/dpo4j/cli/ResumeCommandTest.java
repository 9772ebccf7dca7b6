package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.cli.command.ShellWords;
import org.dpo4j.cli.command.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --resume}, the 130 exit code and the NaN line, through the command line in-process. */
public class ResumeCommandTest {

    @TempDir Path work;

    private TestSupport.Result fake(String... args) {
        return TestSupport.run(TestSupport.env(new TestSupport.FakeTrainer(), work), args);
    }

    private TestSupport.Result real(String... args) {
        return TestSupport.run(new CliEnvironment(Trainer.DJL, work, TestSupport.CLOCK, false), args);
    }

    /** A short real run: 4 pairs per micro-batch, checkpoints every 2 steps, no periodic eval. */
    private TestSupport.Result tiny(int steps, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--output-dir", "run", "--max-steps", Integer.toString(steps),
                "--set", "train.batch_size=4", "--set", "train.log_every=2", "--set", "eval.every=0",
                "--set", "save.every=2", "--set", "data.eval_fraction=0.01"));
        args.addAll(List.of(more));
        return real(args.toArray(String[]::new));
    }

    @Test
    void resumeNeedsARunDirectoryWithACheckpoint() throws IOException {
        TestSupport.Result none = fake("train", "--resume");
        assertEquals(2, none.code());
        TestSupport.assertOneLine(none.err());
        assertTrue(none.err().startsWith("config error: --resume needs the run directory to resume"), none.err());

        TestSupport.Result missing = fake("train", "--output-dir", "nowhere", "--resume");
        assertEquals(2, missing.code());
        assertEquals("config error: output.dir: nowhere does not exist; nothing to resume there", missing.err().strip());

        Files.createDirectories(work.resolve("empty/checkpoints/.step-4.partial"));
        TestSupport.Result empty = fake("train", "--output-dir", "empty", "--resume");
        assertEquals(2, empty.code());
        TestSupport.assertOneLine(empty.err());
        assertTrue(empty.err().contains("no complete checkpoint"), empty.err());

        TestSupport.Result notACheckpoint = fake("train", "--resume", "empty");
        assertEquals(2, notACheckpoint.code());
        assertTrue(notACheckpoint.err().contains("empty: not a complete checkpoint (no trainer_state.json)"), notACheckpoint.err());
    }

    @Test
    void saveAndNanPolicyValuesAreChecked() {
        TestSupport.Result keep = fake("train", "--set", "save.keep_last=0");
        assertEquals(2, keep.code());
        assertEquals("config error: save.keep_last: must be >= 1, got 0 (from --set save.keep_last=0)", keep.err().strip());
        TestSupport.Result every = fake("train", "--set", "save.every=-1");
        assertEquals("config error: save.every: must be >= 0, got -1 (from --set save.every=-1)", every.err().strip());
        TestSupport.Result policy = fake("train", "--set", "train.nan_policy=ignore");
        assertEquals(2, policy.code());
        assertEquals("config error: train.nan_policy: must be one of [stop, skip_step], got 'ignore'"
                + " (from --set train.nan_policy=ignore)", policy.err().strip());
    }

    @Test
    void helpNamesResumeAndExitCode130() {
        TestSupport.Result r = fake("train", "--help");
        assertTrue(r.out().contains("--resume[=CHECKPOINT]"), r.out());
        assertTrue(r.out().contains("130") && r.out().contains("interrupted"), r.out());
    }

    @Test
    void shellWordsReadBackAsTheyWere() {
        assertEquals("loss.beta=0.2", ShellWords.word("loss.beta=0.2"));
        assertEquals("'optim.betas=[0.9, 0.95]'", ShellWords.word("optim.betas=[0.9, 0.95]"));
        assertEquals("'it'\\''s'", ShellWords.word("it's"));
        assertEquals("''", ShellWords.word(""));
    }

    /**
     * A finished 4-step run with checkpoints at 2 and 4: resuming it as it is has nothing left to
     * do, another loss.beta is refused naming the key, and neither changes the run directory;
     * 6 steps continue it from step 4, appending steps 5 and 6 to metrics.jsonl.
     */
    @Test
    void resumeRefusesAnotherConfigAndGrowsTheRun() throws IOException {
        TestSupport.Result first = tiny(4);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("checkpoint at step 2/4: checkpoints/step-2"), first.out());
        Path run = work.resolve("run");
        String config = Files.readString(run.resolve("resolved-config.yaml"));
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));

        TestSupport.Result done = tiny(4, "--resume");
        assertEquals(2, done.code());
        TestSupport.assertOneLine(done.err());
        assertTrue(done.err().contains("checkpoints/step-4: it is at step 4 of 4, nothing is left to train"), done.err());

        TestSupport.Result beta = tiny(6, "--set", "loss.beta=0.2", "--resume");
        assertEquals(2, beta.code());
        TestSupport.assertOneLine(beta.err());
        assertTrue(beta.err().contains("the config differs: loss.beta is 0.2, the checkpoint's is 0.1"), beta.err());
        assertEquals(config, Files.readString(run.resolve("resolved-config.yaml")), "a refused resume changes nothing");
        assertEquals(metrics, Files.readAllLines(run.resolve("metrics.jsonl")));

        TestSupport.Result grown = tiny(6, "--resume");
        assertEquals(0, grown.code(), grown.err());
        assertTrue(grown.out().contains("resuming from run/checkpoints/step-4 (step 4)"), grown.out());
        List<String> after = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(metrics, after.subList(0, metrics.size()), "the earlier lines stay");
        assertEquals(List.of(6, 6), after.subList(metrics.size(), after.size()).stream()
                .map(line -> Integer.parseInt(line.replaceAll("^\\{\"step\":(\\d+),.*", "$1"))).toList(),
                "the record of steps 5-6 (log_every 2), then the final evaluation at 6");
        assertTrue(Files.readString(run.resolve("resolved-config.yaml")).contains("max_steps: 6"));
        try (var s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(List.of("step-4", "step-6"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aNanLossExits1NamingTheStep() {
        TestSupport.Result r = real("train", "--output-dir", "nan", "--max-steps", "3", "--set", "optim.lr=1e30",
                "--set", "schedule.type=constant", "--set", "schedule.warmup_steps=0", "--set", "eval.every=0",
                "--set", "train.log_every=1");
        assertEquals(1, r.code());
        assertEquals("dpo4j: training failed at step 2: the loss is NaN", r.err().strip());
        assertFalse(Files.exists(work.resolve("nan/final")));
    }
}
