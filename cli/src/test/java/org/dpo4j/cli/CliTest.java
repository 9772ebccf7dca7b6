package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, in-process through picocli with captured output. */
public class CliTest {

    @TempDir
    Path work;

    private final TestSupport.FakeTrainer trainer = new TestSupport.FakeTrainer();

    private TestSupport.Result run(String... args) {
        return TestSupport.run(TestSupport.env(trainer, work), args);
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        TestSupport.Result r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("Usage: dpo4j"), r.out());
        assertTrue(r.out().contains("train"), r.out());
        assertTrue(r.out().contains("--version"), r.out());
        assertTrue(r.out().contains("Exit codes:") && r.out().contains("usage, config or input error"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void versionComesFromTheBuild() {
        TestSupport.Result r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("(?s)dpo4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\RDJL \\d.*"), r.out());
    }

    @Test
    void trainHelpListsOptionsAndAnExample() {
        TestSupport.Result r = run("train", "--help");
        assertEquals(0, r.code());
        for (String option : List.of("--config=FILE", "--set=KEY=VALUE", "--output-dir=DIR", "--max-steps=N")) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
        assertTrue(r.out().contains("Examples:"), r.out());
        assertTrue(r.out().contains("dpo4j train --config configs/dpo-tiny.yaml --set loss.beta=0.2"), r.out());
        assertTrue(trainer.configs.isEmpty());
    }

    @Test
    void noCommandOrUnknownOptionIsAUsageError() {
        TestSupport.Result r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing command"), r.err());
        r = run("train", "--max-stepz", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--max-steps"), "suggests the option: " + r.err());
        r = run("train", "--max-steps", "many");
        assertEquals(2, r.code());
        assertTrue(trainer.configs.isEmpty());
    }

    private void assertConfigError(TestSupport.Result r, String expected) {
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertEquals(expected, r.err().strip());
        assertEquals("", r.out());
        assertTrue(trainer.configs.isEmpty(), "training must not start");
        assertFalse(Files.exists(work.resolve("runs")), "no run directory for a bad config");
    }

    @Test
    void unknownKeyInConfigFileExits2WithOneLine() throws IOException {
        TestSupport.write(work, "my.yaml", "loss:\n  bta: 0.2\n");
        assertConfigError(run("train", "--config", "my.yaml"),
                "config error: my.yaml:2:3: unknown key loss.bta; did you mean loss.beta? (allowed: type, beta, label_smoothing, rpo_alpha, ld_alpha, use_weighting)");
    }

    @Test
    void badValueExits2WithOneLine() {
        assertConfigError(run("train", "--set", "loss.beta=-1"),
                "config error: loss.beta: must be a finite number > 0, got -1.0 (from --set loss.beta=-1)");
        assertConfigError(run("train", "--max-steps", "0"),
                "config error: train.max_steps: must be >= 1, got 0 (from --max-steps 0)");
        assertConfigError(run("train", "--set", "train.max_steps=abc"),
                "config error: train.max_steps: expected an integer, got \"abc\" (from --set train.max_steps=abc)");
    }

    @Test
    void maxStepsFlagReplacesEpochsFromTheFile() throws IOException {
        TestSupport.write(work, "epochs.yaml", "train:\n  max_steps: null\n  epochs: 2\n");
        TestSupport.Result r = run("train", "--config", "epochs.yaml", "--max-steps", "3", "--output-dir", "runs/a");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, trainer.configs.get(0).train().maxSteps());
        assertEquals(null, trainer.configs.get(0).train().epochs());
        assertTrue(r.out().contains("  max_steps: 3\n  epochs: null\n"), r.out());
        // --set is not a flag: setting both there is still the error that names the fix
        trainer.configs.clear();
        TestSupport.Result both = run("train", "--config", "epochs.yaml", "--set", "train.max_steps=3");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("set train.max_steps or train.epochs, not both"), both.err());
        assertTrue(trainer.configs.isEmpty());
    }

    @Test
    void missingConfigFileExits2() {
        assertConfigError(run("train", "--config", "missing.yaml"),
                "config error: config file not found: missing.yaml");
    }

    @Test
    void malformedSetIsAUsageError() {
        TestSupport.Result r = run("train", "--set", "loss.beta");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("usage error: ") && r.err().contains("expected KEY.PATH=VALUE"), r.err());
        assertTrue(trainer.configs.isEmpty());
    }

    @Test
    void trainResolvesSavesTrainsAndReports() throws IOException {
        TestSupport.write(work, "run.yaml", "loss: {beta: 0.3}\ntrain: {max_steps: 50, log_every: 5}\n");
        TestSupport.Result r = run("train", "--config", "run.yaml", "--set", "loss.beta=0.2",
                "--set", "train.max_steps=40", "--max-steps", "20");
        assertEquals(0, r.code(), r.err());

        RunConfig c = trainer.configs.get(0);
        assertEquals(LossConfig.Dpo.withBeta(0.2), c.loss());
        assertEquals(20, c.train().maxSteps());
        assertEquals(5, c.train().logEvery());

        Path runDir = work.resolve("runs/20260102-030405");
        assertEquals(runDir, trainer.runDirs.get(0));
        Path saved = runDir.resolve("resolved-config.yaml");
        assertTrue(Files.isRegularFile(saved));
        assertEquals(List.of("resolved-config.yaml"), listNames(runDir), "no temp files left");
        assertEquals(c, new ConfigLoader().load(saved, "resolved-config.yaml", List.of(), List.of()).config());

        String out = r.out();
        assertTrue(out.contains("# resolved config, saved as runs/20260102-030405/resolved-config.yaml"), out);
        assertTrue(out.contains(Files.readString(saved)), "the printed config is the saved one");
        assertTrue(out.contains("step 5/20  loss 0.5000  acc 0.750  margin 0.250"), out);
        assertTrue(out.contains("step 20/20  loss 0.5000"), out);
        assertTrue(out.contains("eval at step 20/20  loss 0.4000  acc 0.900"), out);
        assertTrue(out.matches("(?s).*\\n  eval/rewards/accuracies +0\\.9000\\n.*"), out);
        assertTrue(out.contains("run directory: runs/20260102-030405"), out);
        assertEquals("", r.err());
    }

    @Test
    void outputDirFlagIsTheRunDirectoryAndMustBeNewOrEmpty() throws IOException {
        TestSupport.Result r = run("train", "--output-dir", "out/a", "--max-steps", "10");
        assertEquals(0, r.code(), r.err());
        assertEquals(work.resolve("out/a"), trainer.runDirs.get(0));
        assertTrue(r.out().contains("run directory: out/a"), r.out());

        r = run("train", "--output-dir", "out/a");
        assertEquals(2, r.code());
        assertEquals("config error: output.dir: out/a already exists and is not empty"
                + " (choose another --output-dir or remove it, or add --resume to continue the run in it)", r.err().strip());
        assertEquals(1, trainer.configs.size(), "the second run never started");
    }

    @Test
    void userInputErrorFromTheTrainerExits2AndLeavesNoRunDirectory() {
        trainer.failure = new UserInputException("data.train: no such file: pairs.jsonl");
        TestSupport.Result r = run("train", "--set", "data.train=pairs.jsonl");
        assertEquals(2, r.code());
        assertEquals("error: data.train: no such file: pairs.jsonl", r.err().strip());
        assertFalse(Files.exists(work.resolve("runs/20260102-030405")));
    }

    @Test
    void aRunFailureExits1() {
        trainer.failure = new IllegalStateException("boom");
        TestSupport.Result r = run("train");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("dpo4j: run failed: java.lang.IllegalStateException: boom"), r.err());
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
