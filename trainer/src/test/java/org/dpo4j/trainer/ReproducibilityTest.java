package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same config and seed, same metrics.jsonl, byte for byte, however the JVM collects garbage:
 * the second run forces a full GC after every optimizer step. Before the {@code Constants} fix a
 * GC between forward and backward corrupted gradients, and runs drifted apart after the first one.
 */
class ReproducibilityTest {

    private static final int STEPS = 60;

    @TempDir Path quiet;
    @TempDir Path collected;

    @Test
    void metricsAreByteIdenticalWithAndWithoutGarbageCollections() throws Exception {
        DpoTrainer.train(TestConfigs.tiny(STEPS, 3e-3, 1), quiet, TrainingListener.NONE);
        DpoTrainer.train(TestConfigs.tiny(STEPS, 3e-3, 1), collected, new TrainingListener() {
            @Override
            public void onStep(int step) {
                System.gc();
            }
        });
        assertArrayEquals(
                Files.readAllBytes(quiet.resolve("metrics.jsonl")),
                Files.readAllBytes(collected.resolve("metrics.jsonl")));
    }
}
