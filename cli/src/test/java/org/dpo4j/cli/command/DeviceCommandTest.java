package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.trainer.common.Devices;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.device} on a machine whose engine sees no GPU (the CPU build): {@code gpu} and
 * {@code gpu:0} are one line and exit 2 from train (before any run directory exists) and from
 * validate; {@code auto} is the CPU.
 */
public class DeviceCommandTest {

    @TempDir
    Path work;

    private final TestSupport.FakeTrainer trainer = new TestSupport.FakeTrainer();

    @BeforeEach
    void cpuOnly() {
        assumeTrue(Devices.gpuCount() == 0, "checks the refusal of a missing GPU");
    }

    private TestSupport.Result run(String... args) {
        return TestSupport.run(TestSupport.env(trainer, work), args);
    }

    @Test
    void trainRefusesAMissingGpuBeforeMakingTheRunDirectory() {
        for (String device : new String[] {"gpu", "gpu:0", "gpu:1"}) {
            TestSupport.Result r = run("train", "--set", "train.device=" + device, "--output-dir", "runs/x",
                    "--max-steps", "1");
            assertEquals(2, r.code(), r.err());
            TestSupport.assertOneLine(r.err());
            assertTrue(r.err().contains("train.device: " + device + " is not available"), r.err());
            assertFalse(Files.exists(work.resolve("runs/x")), "no run directory for " + device);
            assertFalse(Files.exists(work.resolve("runs")), "no runs/ for " + device);
        }
        assertTrue(trainer.configs.isEmpty(), "the trainer never ran");
    }

    @Test
    void trainWithAutoRunsOnTheCpu() {
        TestSupport.Result r = run("train", "--set", "train.device=auto", "--output-dir", "runs/x", "--max-steps", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, trainer.configs.size());
    }

    @Test
    void validateChecksTheDevice() {
        TestSupport.Result r = run("validate", "--set", "train.device=gpu:0");
        assertEquals(2, r.code(), r.out() + r.err());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("train.device: gpu:0 is not available: the engine sees 0 GPU(s)"), r.err());

        r = run("validate", "--set", "train.device=auto");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\ndevice: cpu() (train.device: auto)\n"), r.out());
    }

    @Test
    void fp16IsRefusedWithoutAGpuAndBf16Always() {
        TestSupport.Result r = run("train", "--set", "train.precision=fp16", "--output-dir", "runs/x");
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("train.precision: fp16 needs a GPU"), r.err());
        assertFalse(Files.exists(work.resolve("runs")), "no run directory");

        r = run("validate", "--set", "train.precision=fp16");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("train.precision: fp16 needs a GPU"), r.err());

        r = run("validate", "--set", "train.precision=bf16");
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("bf16 is not supported: DJL"), r.err());

        r = run("train", "--set", "train.precision=auto", "--output-dir", "runs/y", "--max-steps", "1");
        assertEquals(0, r.code(), "auto is fp32 on the CPU: " + r.err());
    }

    @Test
    void generateChecksItsDevice() {
        TestSupport.Result r = run("generate", "--model", "missing", "--prompt", "hi", "--device", "gpu:0");
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
    }
}
