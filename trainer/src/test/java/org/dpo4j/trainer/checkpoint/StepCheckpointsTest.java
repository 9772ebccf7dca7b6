package org.dpo4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoints folder: staging, publishing, keep_last, and what a crash can leave. */
class StepCheckpointsTest {

    @TempDir Path run;

    private static StepCheckpoints.Content files(String text) {
        return folder -> {
            Files.writeString(folder.resolve("weights.bin"), text);
            Files.writeString(folder.resolve(StepCheckpoints.STATE_FILE), "{}");
        };
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(run.resolve(StepCheckpoints.DIR))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void keepsTheNewestCompleteCheckpoints() throws IOException {
        assertNull(StepCheckpoints.latest(run), "no checkpoints folder yet");
        for (int step = 2; step <= 10; step += 2) {
            Path written = StepCheckpoints.write(run, step, 2, files("step " + step));
            assertEquals(StepCheckpoints.folder(run, step).toAbsolutePath(), written);
        }
        // by number, not by name: step-10 sorts before step-8 as text
        assertEquals(List.of("step-10", "step-8"), names());
        assertEquals(StepCheckpoints.folder(run, 10), StepCheckpoints.latest(run));
        assertEquals("step 10", Files.readString(StepCheckpoints.latest(run).resolve("weights.bin")));
        assertEquals(10, StepCheckpoints.stepOf(StepCheckpoints.latest(run)));
        assertEquals(-1, StepCheckpoints.stepOf(run.resolve(".step-3.partial")));
    }

    @Test
    void aFailedWriteLeavesTheEarlierCheckpointsAsTheyWere() throws IOException {
        StepCheckpoints.write(run, 1, 1, files("one"));
        assertThrows(IOException.class, () -> StepCheckpoints.write(run, 2, 1, folder -> {
            Files.writeString(folder.resolve("weights.bin"), "half");
            throw new IOException("disk full");
        }));
        assertEquals(List.of("step-1"), names(), "no step-2, no staging folder; step-1 not pruned");
        assertEquals("one", Files.readString(StepCheckpoints.latest(run).resolve("weights.bin")));
    }

    @Test
    void crashLeftoversAreIgnoredThenRemoved() throws IOException {
        StepCheckpoints.write(run, 4, 3, files("four"));
        Path dir = run.resolve(StepCheckpoints.DIR);
        Files.createDirectories(dir.resolve(".step-6.partial"));
        Files.writeString(dir.resolve(".step-6.partial/weights.bin"), "half");
        Files.createDirectories(dir.resolve(".step-2.deleting"));
        Files.createDirectories(dir.resolve("step-9")); // no state file: never completed
        assertEquals(List.of(StepCheckpoints.folder(run, 4)), StepCheckpoints.complete(run));

        StepCheckpoints.write(run, 6, 3, files("six"));
        assertEquals(List.of("step-4", "step-6", "step-9"), names());
        assertEquals("six", Files.readString(StepCheckpoints.latest(run).resolve("weights.bin")));
        // a checkpoint written again at the same step replaces the old folder
        StepCheckpoints.write(run, 6, 3, files("six again"));
        assertEquals("six again", Files.readString(StepCheckpoints.folder(run, 6).resolve("weights.bin")));
        assertFalse(Files.exists(dir.resolve(".step-6.deleting")));
    }
}
