package org.dpo4j.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint that cannot be written is one line naming it, the file when the file system says
 * which, and the cause (the writing itself, which leaves nothing behind, is
 * {@code CheckpointManifestTest}'s and {@code StepCheckpointsTest}'s).
 */
class CheckpointWriterTest {

    @Test
    void aFailedCheckpointIsOneLineWithPathAndCause() {
        Path run = Path.of("runs", "x");
        // a channel write on a full disk: the cause has no path
        assertEquals("cannot write checkpoint " + run.resolve("checkpoints/step-8") + ": No space left on device;"
                        + " nothing of it was kept, the earlier checkpoints are intact",
                CheckpointWriter.failure(run, 8, new IOException("No space left on device")));
        // a file operation names its file
        String file = run.resolve("checkpoints/.step-8.partial/optimizer.safetensors").toString();
        assertEquals("cannot write checkpoint " + run.resolve("checkpoints/step-8") + ": " + file
                        + ": No space left on device; nothing of it was kept, the earlier checkpoints are intact",
                CheckpointWriter.failure(run, 8, new FileSystemException(file, null, "No space left on device")));
    }
}
