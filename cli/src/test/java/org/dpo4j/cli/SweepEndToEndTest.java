package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.cli.command.Trainer;
import org.dpo4j.cli.rundir.RunMarker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real sweep: two tiny runs of 3 steps, each trained by {@code dpo4j train} in a child JVM, two
 * at a time; then one of them is put back into the state of a run killed after its step-2
 * checkpoint, and the sweep run again resumes it from there.
 */
public class SweepEndToEndTest {

    @TempDir Path work;

    @Test
    void twoTinyRunsInChildJvmsThenAResumedOne() throws Exception {
        TestSupport.write(work, "sweep.yaml", """
                overrides: {train.max_steps: 3, train.log_every: 1, eval.every: 2, save.every: 1,
                            data.eval_fraction: 0.02, schedule.warmup_steps: 0}
                grid: {loss.beta: [0.1, 0.5]}
                """);
        CliEnvironment env = new CliEnvironment(Trainer.DJL, work, TestSupport.CLOCK, false);
        TestSupport.Result r = TestSupport.run(env, "sweep", "--config", "sweep.yaml", "--output-dir", "sw",
                "--parallel", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        Path dir = work.resolve("sw");
        for (String name : List.of("beta-0.1", "beta-0.5")) {
            Path run = dir.resolve(name);
            assertEquals(RunMarker.FINISHED, RunMarker.status(run), name);
            assertTrue(Files.isRegularFile(run.resolve("final/model.safetensors")), name);
            assertTrue(Files.readString(run.resolve("train.log")).contains("trained 3 steps"), name);
        }
        List<String> csv = Files.readAllLines(dir.resolve("summary.csv"));
        assertEquals(3, csv.size(), csv.toString());
        String[] a = csv.get(1).split(",");
        String[] b = csv.get(2).split(",");
        assertEquals(List.of("beta-0.1", "finished", "0.1", "3"), List.of(a).subList(0, 4));
        for (String[] row : List.of(a, b)) {
            double evalAccuracy = Double.parseDouble(row[row.length - 2]);
            assertTrue(evalAccuracy >= 0 && evalAccuracy <= 1, csv.toString());
        }
        // rewards are beta * log-ratio: the two betas give different margins
        assertNotEquals(a[a.length - 1], b[b.length - 1]);
        assertTrue(Files.size(dir.resolve("comparison.png")) > 1000);

        // beta-0.5 as a run killed after its step-2 checkpoint: no marker, no final/, no step-3
        Path killed = dir.resolve("beta-0.5");
        Files.delete(killed.resolve(RunMarker.FILE));
        deleteTree(killed.resolve("final"));
        deleteTree(killed.resolve("checkpoints/step-3"));
        TestSupport.Result again = TestSupport.run(env, "sweep", "--config", "sweep.yaml", "--output-dir", "sw");
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("[1/2] beta-0.1: finished earlier"), again.out());
        assertTrue(again.out().contains("[2/2] beta-0.5: started, resuming from its latest checkpoint"), again.out());
        assertFalse(again.out().contains("cannot be resumed"), again.out());
        assertTrue(Files.readString(killed.resolve("train.log")).contains("(step 2)"));
        assertTrue(Files.isRegularFile(killed.resolve("final/model.safetensors")));
        assertEquals(RunMarker.FINISHED, RunMarker.status(killed));
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
