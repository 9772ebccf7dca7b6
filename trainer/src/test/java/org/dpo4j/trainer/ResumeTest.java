package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dpo4j.losses.BcoPairLoss.BcoDelta;
import org.dpo4j.trainer.checkpoint.StepCheckpoints;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.DataConfig;
import org.dpo4j.trainer.config.EvalConfig;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.OptimConfig;
import org.dpo4j.trainer.config.OutputConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.SaveConfig;
import org.dpo4j.trainer.config.ScheduleConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.data.PreferencePair;
import org.dpo4j.trainer.data.TinyPrefs;
import org.dpo4j.trainer.metrics.MetricsLog;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.PolicySaver;
import org.dpo4j.trainer.run.ResumePoint;
import org.dpo4j.trainer.run.RunOptions;
import org.dpo4j.trainer.run.StopSignal;
import org.dpo4j.trainer.run.TrainingInterruptedException;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.run.TrainingSummary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after a checkpoint and resumed writes the same {@code metrics.jsonl}, byte for
 * byte, and the same final weights, bit for bit, as the run that was never stopped.
 *
 * <p>The runs are built so that every part of the saved state matters: 26 training pairs at
 * batch 4 are 7 batches per epoch (the last of 2 pairs); with 2 micro-batches per step, step s
 * takes batches 2s−1 and 2s (1-based), so epochs end inside steps 4 and 11 and between steps 7
 * and 8, and the 12 steps serve 24 batches, 3·26 + 12 = 90 pairs (3.46 epochs); a log
 * every 3 steps does not divide the checkpoint interval of 4, so the checkpoint of step 4 holds
 * an open logging window (step 4 alone, logged with 5 and 6); evaluations at 5 and 10 fall
 * between checkpoints; cosine decay with warmup and weight decay make the learning rate and the
 * update depend on the step; and {@code bco_pair} with the running-mean δ carries loss state.
 */
class ResumeTest {

    private static final int STEPS = 12;

    @TempDir static Path work;
    private static Path train;
    private static Path eval;

    @BeforeAll
    static void data() throws IOException {
        List<PreferencePair> pairs = TinyPrefs.pairs();
        train = jsonl("train.jsonl", pairs.subList(0, 26));
        eval = jsonl("eval.jsonl", pairs.subList(26, 32));
    }

    private static Path jsonl(String name, List<PreferencePair> pairs) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (PreferencePair p : pairs) {
            lines.add(json.writeValueAsString(Map.of("prompt", p.prompt(), "chosen", p.chosen(), "rejected", p.rejected())));
        }
        return Files.write(work.resolve(name), lines);
    }

    static RunConfig config(LossConfig loss, int steps) {
        return config(loss, steps, TestConfigs.tiny(steps, 3e-3, 3).reference());
    }

    static RunConfig config(LossConfig loss, int steps, ReferenceConfig reference) {
        RunConfig base = TestConfigs.tiny(steps, 3e-3, 3);
        DataConfig d = base.data();
        return new RunConfig(base.model(), reference,
                new DataConfig(List.of(train.toString()), List.of(eval.toString()), d.format(), d.columns(), d.chatTemplate(),
                        d.evalFraction(), d.maxLength(), d.maxPromptLength(), d.truncationMode(), d.onBadRecord()),
                loss,
                new OptimConfig(3e-3, List.of(0.9, 0.999), 1e-8, 0.01, 1.0),
                new ScheduleConfig("cosine", 2, 0.0),
                new TrainConfig(4, 2, steps, null, true, 42L, "cpu", 3),
                new EvalConfig(5),
                new SaveConfig(4, 2),
                new OutputConfig(null, "f32", "2GB"));
    }

    static LossConfig bcoRunningMean() {
        return new LossConfig.BcoPair(0.1, BcoDelta.RUNNING_MEAN, null);
    }

    private static Path dir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    /** A listener that fails the run like a crash (kill -9, power cut) once {@code step} is done. */
    private static TrainingListener crashAfter(int step) {
        return new TrainingListener() {
            @Override
            public void onStep(int s) {
                if (s == step) {
                    throw new IllegalStateException("simulated crash after step " + s);
                }
            }
        };
    }

    @Test
    void crashAfterACheckpointThenResumeIsTheUninterruptedRun() throws IOException {
        RunConfig config = config(bcoRunningMean(), STEPS);
        Path whole = dir("bco-whole");
        DpoTrainer.train(config, whole, TrainingListener.NONE);

        Path crashed = dir("bco-crashed");
        assertThrows(IllegalStateException.class, () -> DpoTrainer.train(config, crashed, crashAfter(7)));
        // the data record, step 3, then the eval at 5 and step 6, which come after the checkpoint
        assertEquals(4, Files.readAllLines(crashed.resolve(MetricsLog.FILE_NAME)).size());
        ResumePoint latest = ResumePoint.latest(crashed);
        assertEquals(4, latest.step());
        assertEquals(StepCheckpoints.folder(crashed, 4), latest.folder());

        TrainingSummary summary = DpoTrainer.train(config, crashed, TrainingListener.NONE,
                new RunOptions(latest, new StopSignal()));
        assertEquals(STEPS, summary.steps());

        assertSameRun(whole, crashed);
        // the checkpoints written after the resume are those of the whole run, to the byte
        assertEquals(List.of(StepCheckpoints.folder(whole, 8), StepCheckpoints.folder(whole, 12)),
                StepCheckpoints.complete(whole));
        for (int step : new int[] {8, 12}) {
            assertSameFiles(StepCheckpoints.folder(whole, step), StepCheckpoints.folder(crashed, step));
        }
    }

    /**
     * TR-DPO with a sync every 3 steps: the checkpoint of step 4 holds a reference synced at step
     * 3, which differs from both the initial model and the policy; resuming without it would
     * change every later reward.
     */
    @Test
    void aTrDpoRunResumesWithItsSyncedReference() throws IOException {
        RunConfig config = config(LossConfig.Dpo.withBeta(0.1), 8, new ReferenceConfig(null, false, 3, 0.5));
        Path whole = dir("sync-whole");
        DpoTrainer.train(config, whole, TrainingListener.NONE);

        Path crashed = dir("sync-crashed");
        assertThrows(IllegalStateException.class, () -> DpoTrainer.train(config, crashed, crashAfter(5)));
        ResumePoint latest = ResumePoint.latest(crashed);
        assertEquals(4, latest.step());
        assertTrue(Files.isRegularFile(latest.folder().resolve("reference/model.safetensors")));

        DpoTrainer.train(config, crashed, TrainingListener.NONE, new RunOptions(latest, new StopSignal()));
        assertSameRun(whole, crashed);
        assertSameFiles(StepCheckpoints.folder(whole, 8), StepCheckpoints.folder(crashed, 8));
    }

    @Test
    void stopSignalCheckpointsTheStepAndResumeIsTheUninterruptedRun() throws IOException {
        RunConfig config = config(LossConfig.Dpo.withBeta(0.1), STEPS);
        Path whole = dir("dpo-whole");
        DpoTrainer.train(config, whole, TrainingListener.NONE);

        Path stopped = dir("dpo-stopped");
        StopSignal stop = new StopSignal();
        TrainingInterruptedException e = assertThrows(TrainingInterruptedException.class,
                () -> DpoTrainer.train(config, stopped, new TrainingListener() {
                    @Override
                    public void onStep(int step) {
                        if (step == 9) {
                            stop.request(); // as a signal handler would, while step 9 runs
                        }
                    }
                }, new RunOptions(null, stop)));
        assertEquals(9, e.step());
        assertEquals(StepCheckpoints.folder(stopped, 9), e.checkpoint());
        assertEquals(List.of(StepCheckpoints.folder(stopped, 8), StepCheckpoints.folder(stopped, 9)),
                StepCheckpoints.complete(stopped), "step 9 is checkpointed out of cadence; keep_last 2");

        DpoTrainer.train(config, stopped, TrainingListener.NONE, new RunOptions(ResumePoint.latest(stopped), new StopSignal()));
        assertSameRun(whole, stopped);
        assertSameFiles(StepCheckpoints.folder(whole, 12), StepCheckpoints.folder(stopped, 12));
    }

    @Test
    void aResumeMayOnlyGrowTheRunOrWriteElsewhere() throws IOException {
        RunConfig config = config(LossConfig.Dpo.withBeta(0.1), 8);
        Path first = dir("grow-first");
        DpoTrainer.train(config, first, TrainingListener.NONE);
        ResumePoint end = ResumePoint.latest(first);
        assertEquals(8, end.step());
        ResumePoint middle = ResumePoint.open(StepCheckpoints.folder(first, 4));

        UserInputException beta = assertThrows(UserInputException.class,
                () -> middle.checkConfig(config(LossConfig.Dpo.withBeta(0.2), 8)));
        assertTrue(beta.getMessage().contains("the config differs: loss.beta is 0.2, the checkpoint's is 0.1"), beta.getMessage());
        UserInputException loss = assertThrows(UserInputException.class,
                () -> middle.checkConfig(config(bcoRunningMean(), 8)));
        assertTrue(loss.getMessage().contains("loss.type is bco_pair, the checkpoint's is dpo"), loss.getMessage());

        UserInputException done = assertThrows(UserInputException.class,
                () -> DpoTrainer.create(config, dir("done"), line -> {}, new RunOptions(end, new StopSignal())));
        assertTrue(done.getMessage().contains("nothing is left to train"), done.getMessage());
        UserInputException behind = assertThrows(UserInputException.class,
                () -> DpoTrainer.create(config, first, line -> {}, new RunOptions(middle, new StopSignal())));
        assertTrue(behind.getMessage().contains("it has the later checkpoints/step-8"), behind.getMessage());

        // longer, into another directory: the new log starts with the old one's lines up to step 8
        RunConfig longer = config(LossConfig.Dpo.withBeta(0.1), 10);
        middle.checkConfig(longer);
        Path grown = dir("grow-second");
        TrainingSummary summary = DpoTrainer.train(longer, grown, TrainingListener.NONE, new RunOptions(end, new StopSignal()));
        assertEquals(10, summary.steps());
        byte[] before = Files.readAllBytes(first.resolve(MetricsLog.FILE_NAME));
        byte[] after = Files.readAllBytes(grown.resolve(MetricsLog.FILE_NAME));
        assertTrue(after.length > before.length);
        assertArrayEquals(before, java.util.Arrays.copyOf(after, before.length), "the first run's log, then steps 9 and 10");
        assertEquals(List.of(StepCheckpoints.folder(grown, 10)), StepCheckpoints.complete(grown));
    }

    /** Same metrics.jsonl and final model, byte for byte. */
    private static void assertSameRun(Path expected, Path actual) throws IOException {
        assertEquals(Files.readString(expected.resolve(MetricsLog.FILE_NAME)), Files.readString(actual.resolve(MetricsLog.FILE_NAME)));
        assertSameFiles(expected.resolve(PolicySaver.FINAL), actual.resolve(PolicySaver.FINAL));
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(expected)) {
            files = s.filter(Files::isRegularFile).map(expected::relativize).sorted().toList();
        }
        try (Stream<Path> s = Files.walk(actual)) {
            assertEquals(files, s.filter(Files::isRegularFile).map(actual::relativize).sorted().toList());
        }
        assertTrue(files.size() >= 3, "files in " + expected);
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)), f.toString());
        }
    }
}
