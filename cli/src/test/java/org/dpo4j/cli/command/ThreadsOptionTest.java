package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.trainer.common.EngineThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --threads N} is accepted by every command and sets the engine's threads; below 1 is a usage error. */
public class ThreadsOptionTest {

    @TempDir
    Path work;

    private String engineProperty;

    @BeforeEach
    void save() {
        engineProperty = System.getProperty(EngineThreads.ENGINE_PROPERTY);
    }

    @AfterEach
    void restore() {
        System.clearProperty(EngineThreads.FLAG_PROPERTY);
        if (engineProperty == null) {
            System.clearProperty(EngineThreads.ENGINE_PROPERTY);
        } else {
            System.setProperty(EngineThreads.ENGINE_PROPERTY, engineProperty);
        }
    }

    private TestSupport.Result run(String... args) {
        return TestSupport.run(TestSupport.env(new TestSupport.FakeTrainer(), work), args);
    }

    @Test
    void everyCommandTakesIt() {
        for (String command : new String[] {"train", "validate", "bench", "eval", "generate", "sweep", "init-model",
                "plot", "data", "configs", "config"}) {
            TestSupport.Result r = run(command, "--threads", "3", "--help");
            assertEquals(0, r.code(), command + ": " + r.err());
            assertTrue(r.out().contains("--threads=N"), command + " lists --threads:\n" + r.out());
        }
    }

    @Test
    void itSetsTheEngineThreadsBeforeTheCommandRuns() {
        TestSupport.Result r = run("train", "--threads", "1", "--max-steps", "1", "--output-dir", "runs/a");
        assertEquals(0, r.code(), r.err());
        assertEquals("1", System.getProperty(EngineThreads.ENGINE_PROPERTY));
        assertEquals(1, EngineThreads.choose(4), "the flag beats train.threads");
    }

    @Test
    void belowOneIsAUsageError() {
        TestSupport.Result r = run("validate", "--threads", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--threads: must be >= 1, got 0"), r.err());
    }
}
