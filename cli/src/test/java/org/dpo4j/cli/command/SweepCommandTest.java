package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.cli.rundir.RunMarker;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.RunPlan;
import org.dpo4j.trainer.run.TrainingFailedException;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.run.TrainingSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpo4j sweep} in-process, with a trainer double that writes metrics.jsonl. */
public class SweepCommandTest {

    @TempDir Path work;

    private static final String SWEEP = """
            base: ../base.yaml
            overrides: {train.max_steps: 4}
            grid: {loss.beta: [0.1, 0.5, 0.9]}
            runs: [{loss.type: tdpo}]
            """;

    /**
     * Writes one training and one evaluation record per run: loss = beta, eval accuracy = beta
     * (0.5 for TDPO, whose beta is its default 0.1 otherwise), margin = 2 * beta; a run whose
     * beta is in {@link #failing} fails.
     */
    private final class MetricsTrainer implements Trainer {
        final List<Double> trained = Collections.synchronizedList(new ArrayList<>());
        final List<Double> failing = new ArrayList<>();
        private final ConfigLoader loader = new ConfigLoader();

        @Override
        public TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener) {
            JsonNode tree;
            try {
                tree = new YAMLMapper().readTree(loader.toYaml(config));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            double beta = tree.path("loss").path("beta").asDouble();
            trained.add(beta);
            if (failing.contains(beta)) {
                throw new TrainingFailedException("training failed at step 2: the loss is NaN");
            }
            int steps = config.train().maxSteps();
            listener.onStart(new RunPlan(steps, 90, 10, 1234, "cpu()", "llama preset tiny", null));
            String metrics = String.format(Locale.ROOT, """
                    {"step":0,"data/train_pairs":90}
                    {"step":%d,"loss":%s,"rewards/accuracies":0.75,"rewards/margins":0.25}
                    {"step":%d,"eval/loss":0.4,"eval/rewards/accuracies":%s,"eval/rewards/margins":%s}
                    """, steps, beta, steps, beta, 2 * beta);
            try {
                Files.writeString(runDir.resolve("metrics.jsonl"), metrics);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new TrainingSummary(runDir, steps, 0.1, new MetricsRecord(steps, java.util.Map.of()), null);
        }
    }

    private TestSupport.Result sweep(Trainer trainer, String... extra) throws IOException {
        TestSupport.write(work, "configs/base.yaml", "loss: {type: dpo, beta: 0.3}\neval: {every: 0}\n");
        if (!Files.exists(work.resolve("configs/sweeps/s.yaml"))) {
            TestSupport.write(work, "configs/sweeps/s.yaml", SWEEP);
        }
        List<String> args = new ArrayList<>(List.of("sweep", "--config", "configs/sweeps/s.yaml"));
        args.addAll(List.of(extra));
        return TestSupport.run(TestSupport.env(trainer, work), args.toArray(String[]::new));
    }

    @Test
    void trainsEveryRunIntoItsDirectoryAndWritesTheSummaryAndPlot() throws Exception {
        MetricsTrainer trainer = new MetricsTrainer();
        TestSupport.Result r = sweep(trainer);
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(List.of(0.1, 0.5, 0.9, 0.1), trainer.trained);
        Path dir = work.resolve("runs/s");
        for (String name : List.of("beta-0.1", "beta-0.5", "beta-0.9", "type-tdpo")) {
            assertTrue(Files.isRegularFile(dir.resolve(name + "/resolved-config.yaml")), name);
            assertTrue(Files.readString(dir.resolve(name + "/train.log")).contains("# resolved config"), name);
            assertEquals(RunMarker.FINISHED, RunMarker.status(dir.resolve(name)));
            assertTrue(Files.isRegularFile(dir.resolve("run-configs/" + name + ".yaml")), name);
        }
        assertTrue(r.out().contains("[2/4] beta-0.5: finished in "), r.out());
        assertTrue(r.out().contains("eval/rewards/accuracies 0.5000"), r.out());
        assertTrue(r.out().contains("sweep: 4 finished, 0 failed, 0 not finished"), r.out());

        List<String> csv = Files.readAllLines(dir.resolve("summary.csv"));
        assertEquals("run,status,loss.beta,loss.type,step,loss,rewards/accuracies,rewards/margins,"
                + "eval/loss,eval/rewards/accuracies,eval/rewards/margins", csv.get(0));
        assertEquals("beta-0.5,finished,0.5,dpo,4,0.5,0.75,0.25,0.4,0.5,1.0", csv.get(2));
        assertEquals("type-tdpo,finished,0.1,tdpo,4,0.1,0.75,0.25,0.4,0.1,0.2", csv.get(4));
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("| beta-0.9 | finished | 0.9 | dpo | 4 | 0.9000 | 0.7500 | 0.2500 | 0.4000 | 0.9000 | 1.8000 |"), md);
        assertTrue(Files.size(dir.resolve("comparison.png")) > 1000);
    }

    @Test
    void aSecondSweepSkipsFinishedRunsAndRetriesFailedOnes() throws Exception {
        MetricsTrainer first = new MetricsTrainer();
        first.failing.add(0.5);
        TestSupport.Result r = sweep(first);
        assertEquals(ExitCodes.RUN_FAILED, r.code(), r.out() + r.err());
        assertEquals(List.of(0.1, 0.5, 0.9, 0.1), first.trained); // the failure did not stop the others
        assertTrue(r.out().contains("[2/4] beta-0.5: failed with exit code 1; see runs/s/beta-0.5/train.log"), r.out());
        assertTrue(Files.readString(work.resolve("runs/s/beta-0.5/train.log")).contains("the loss is NaN"));
        assertTrue(Files.readString(work.resolve("runs/s/summary.csv")).contains("beta-0.5,failed (exit 1),0.5,dpo,"));

        MetricsTrainer second = new MetricsTrainer();
        TestSupport.Result again = sweep(second);
        assertEquals(0, again.code(), again.out() + again.err());
        assertEquals(List.of(0.5), second.trained);
        assertTrue(again.out().contains("4 run(s) in runs/s, 3 finished earlier"), again.out());
        assertTrue(again.out().contains("[1/4] beta-0.1: finished earlier"), again.out());
        assertFalse(Files.readString(work.resolve("runs/s/summary.csv")).contains("failed"));
    }

    @Test
    void anUnfinishedRunDirectoryIsClearedAndTrainedAgain() throws Exception {
        TestSupport.write(work, "runs/s/beta-0.9/metrics.jsonl", "{\"step\":1,\"loss\":7.0}\n");
        TestSupport.write(work, "runs/s/beta-0.9/stale.txt", "from a killed run");
        MetricsTrainer trainer = new MetricsTrainer();
        TestSupport.Result r = sweep(trainer, "--parallel", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(4, trainer.trained.size());
        assertFalse(Files.exists(work.resolve("runs/s/beta-0.9/stale.txt")));
        assertTrue(r.out().contains("2 at a time"), r.out());
    }

    @Test
    void aFinishedRunWhoseConfigChangedIsRefusedBeforeAnythingRuns() throws Exception {
        assertEquals(0, sweep(new MetricsTrainer()).code());
        TestSupport.write(work, "configs/sweeps/s.yaml", SWEEP.replace("max_steps: 4", "max_steps: 5"));
        MetricsTrainer trainer = new MetricsTrainer();
        TestSupport.Result r = sweep(trainer);
        assertEquals(ExitCodes.USER_ERROR, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().startsWith("config error: runs/s/beta-0.1 finished with another config"), r.err());
        assertEquals(List.of(), trainer.trained);

        TestSupport.Result elsewhere = sweep(trainer, "--output-dir", "runs/s5");
        assertEquals(0, elsewhere.code(), elsewhere.err());
        assertEquals(4, trainer.trained.size());
    }

    @Test
    void aBadSweepIsExitTwoWithOneLineAndWritesNothing() throws Exception {
        TestSupport.write(work, "configs/sweeps/s.yaml", "grid: {loss.bta: [1]}\n");
        TestSupport.Result r = sweep(new MetricsTrainer());
        assertEquals(ExitCodes.USER_ERROR, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().startsWith("config error: configs/sweeps/s.yaml:1:8: grid.loss.bta: unknown key loss.bta"), r.err());
        assertFalse(Files.exists(work.resolve("runs")));

        assertEquals(ExitCodes.USER_ERROR, sweep(new MetricsTrainer(), "--parallel", "0").code());
        TestSupport.Result set = sweep(new MetricsTrainer(), "--set", "output.dir=x");
        assertEquals(ExitCodes.USER_ERROR, set.code());
        assertTrue(set.err().contains("use --output-dir"), set.err());
    }

    @Test
    void helpHasExamplesAndTheRootHelpNamesSweep() {
        TestSupport.Result r = TestSupport.run(TestSupport.env(new MetricsTrainer(), work), "sweep", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:") && r.out().contains("--parallel"), r.out());
        TestSupport.Result root = TestSupport.run(TestSupport.env(new MetricsTrainer(), work), "--help");
        assertTrue(root.out().contains("dpo4j sweep --config configs/sweeps/"), root.out());
    }
}
