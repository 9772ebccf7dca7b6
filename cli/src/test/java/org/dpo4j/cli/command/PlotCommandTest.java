package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.cli.rundir.MetricsSeriesTest;
import org.dpo4j.cli.rundir.RunPlotsTest;
import org.dpo4j.trainer.run.TrainingSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpo4j plot RUN_DIR}, and the plots {@code train} draws at the end of a run. */
public class PlotCommandTest {

    @TempDir Path work;

    private final TestSupport.FakeTrainer trainer = new TestSupport.FakeTrainer();

    private TestSupport.Result run(Trainer t, String... args) {
        return TestSupport.run(TestSupport.env(t, work), args);
    }

    @Test
    void plotDrawsTheChartsOfARunDirectory() throws IOException {
        TestSupport.write(work, "runs/a/metrics.jsonl", MetricsSeriesTest.metrics(false));
        TestSupport.Result r = run(trainer, "plot", "runs/a");
        assertEquals(0, r.code(), r.err());
        assertEquals("plots: runs/a/plots (loss.png, accuracy.png, margins.png, rewards.png)", r.out().strip());
        for (String chart : new String[] {"loss", "accuracy", "margins", "rewards"}) {
            RunPlotsTest.assertPng(work.resolve("runs/a/plots/" + chart + ".png"));
        }
        assertTrue(trainer.configs.isEmpty(), "plot trains nothing");
    }

    @Test
    void aRunWithOnlyEvaluationRecordsStillPlots() throws IOException {
        String evalOnly = MetricsSeriesTest.metrics(false).lines().filter(l -> l.contains("eval/"))
                .collect(Collectors.joining("\n"));
        TestSupport.write(work, "runs/e/metrics.jsonl", evalOnly);
        TestSupport.Result r = run(trainer, "plot", "runs/e");
        assertEquals(0, r.code(), r.err());
        RunPlotsTest.assertPng(work.resolve("runs/e/plots/loss.png"));
    }

    @Test
    void aFolderWithoutMetricsExits2WithOneLine() throws IOException {
        Files.createDirectories(work.resolve("empty"));
        TestSupport.Result r = run(trainer, "plot", "empty");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertEquals("error: empty: no metrics.jsonl (not a run directory, or its run has not started)",
                r.err().strip());
        assertFalse(Files.exists(work.resolve("empty/plots")));
        assertEquals(2, run(trainer, "plot", "missing").code());
    }

    @Test
    void nothingLoggedYetExits2WithOneLine() throws IOException {
        TestSupport.write(work, "runs/b/metrics.jsonl", "{\"step\":0,\"data/train_pairs\":90.0}\n");
        TestSupport.Result r = run(trainer, "plot", "runs/b");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("nothing to plot"), r.err());
    }

    @Test
    void plotIsListedInTheHelp() {
        TestSupport.Result r = run(trainer, "--help");
        assertTrue(r.out().contains("plot"), r.out());
        r = run(trainer, "plot", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("RUN_DIR"), r.out());
    }

    @Test
    void trainDrawsThePlotsAtTheEnd() {
        Trainer writesMetrics = (config, runDir, listener) -> {
            TrainingSummary summary = trainer.train(config, runDir, listener);
            try {
                TestSupport.write(runDir, "metrics.jsonl", MetricsSeriesTest.metrics(false));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return summary;
        };
        TestSupport.Result r = run(writesMetrics, "train", "--max-steps", "10", "--output-dir", "out");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("plots: out/plots (loss.png, accuracy.png, margins.png, rewards.png)\n"
                + "run directory: out"), r.out());
        assertTrue(Files.isRegularFile(work.resolve("out/plots/loss.png")));
    }
}
