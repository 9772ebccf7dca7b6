package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.cli.command.Trainer;
import org.dpo4j.cli.rundir.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real {@code dpo4j train} process: it finishes the step under way, writes a
 * checkpoint, prints the command that resumes it and exits with 130. That command, run here,
 * continues the run so that {@code metrics.jsonl} and the final model are byte-identical to those
 * of a run that was never interrupted.
 */
public class InterruptTest {

    private static final Pattern INTERRUPTED = Pattern.compile("dpo4j: interrupted at step (\\d+); resume with: (.*)");

    @TempDir Path work;

    private static final List<String> RUN = List.of(
            "--max-steps", "20", "--set", "save.every=4", "--set", "train.log_every=3", "--set", "eval.every=0",
            "--set", "train.batch_size=4", "--set", "train.gradient_accumulation_steps=2",
            "--set", "data.eval_fraction=0.01");

    @Test
    void sigtermCheckpointsExits130AndTheResumeIsTheUninterruptedRun() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        // the same libtorch threads as this JVM, so that both compute alike
        for (String property : List.of("ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads")) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.addAll(List.of("org.dpo4j.cli.Main", "train", "--output-dir", "run"));
        command.addAll(RUN);
        Process process = new ProcessBuilder(command).directory(work.toFile()).start();
        StringBuffer err = new StringBuffer();
        Thread errReader = new Thread(() -> drain(process.getErrorStream(), err));
        errReader.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean signalled = false;
            while ((line = lines.readLine()) != null) {
                out.append(line).append('\n');
                if (!signalled && line.startsWith("checkpoint at step ")) {
                    // SIGTERM on Linux; Process.destroy() would also close our end of its pipes
                    assertTrue(process.toHandle().destroy());
                    signalled = true;
                }
            }
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the process did not end");
            errReader.join(10_000);
            assertTrue(signalled, "no checkpoint line; stdout:\n" + out + "\nstderr:\n" + err);
        } finally {
            process.destroyForcibly();
        }
        assertEquals(ExitCodes.INTERRUPTED, process.exitValue(), "stdout:\n" + out + "\nstderr:\n" + err);

        Matcher m = INTERRUPTED.matcher(err);
        assertTrue(m.find(), err.toString());
        int step = Integer.parseInt(m.group(1));
        assertTrue(step >= 4 && step < 20, "stopped at step " + step);
        assertTrue(Files.isRegularFile(work.resolve("run/checkpoints/step-" + step + "/trainer_state.json")));
        String resume = m.group(2).strip();
        assertEquals("dpo4j train --set save.every=4 --set train.log_every=3 --set eval.every=0 --set train.batch_size=4"
                + " --set train.gradient_accumulation_steps=2 --set data.eval_fraction=0.01 --output-dir run"
                + " --max-steps 20 --resume", resume);

        CliEnvironment env = new CliEnvironment(Trainer.DJL, work, TestSupport.CLOCK, false);
        TestSupport.Result resumed = TestSupport.run(env, resume.substring("dpo4j ".length()).split(" "));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming from run/checkpoints/step-" + step + " (step " + step + ")"), resumed.out());

        List<String> whole = new ArrayList<>(List.of("train", "--output-dir", "whole"));
        whole.addAll(RUN);
        TestSupport.Result uninterrupted = TestSupport.run(env, whole.toArray(String[]::new));
        assertEquals(0, uninterrupted.code(), uninterrupted.err());

        assertEquals(Files.readString(work.resolve("whole/metrics.jsonl")), Files.readString(work.resolve("run/metrics.jsonl")));
        assertArrayEquals(Files.readAllBytes(work.resolve("whole/final/model.safetensors")),
                Files.readAllBytes(work.resolve("run/final/model.safetensors")));
    }

    private static void drain(java.io.InputStream in, StringBuffer into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                into.append(line).append('\n');
            }
        } catch (IOException e) {
            into.append("(stderr unreadable: ").append(e).append(")\n");
        }
    }
}
