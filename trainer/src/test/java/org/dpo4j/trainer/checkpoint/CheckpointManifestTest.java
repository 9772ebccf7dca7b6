package org.dpo4j.trainer.checkpoint;

import static org.dpo4j.trainer.checkpoint.TestFiles.userError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SHA256SUMS: written last with each checkpoint; every kind of damage named with the file to blame. */
class CheckpointManifestTest {

    @TempDir Path run;

    /** A checkpoint at {@code step} with a file in a subfolder, as the trainer's model/ folder. */
    private Path checkpoint(int step) throws IOException {
        return StepCheckpoints.write(run, step, 5, folder -> {
            Files.createDirectories(folder.resolve("model"));
            Files.writeString(folder.resolve("model/weights.bin"), "weights of step " + step);
            Files.writeString(folder.resolve(StepCheckpoints.STATE_FILE), "{\"global_step\": " + step + "}");
        });
    }

    @Test
    void eachCheckpointListsItsFilesAsSha256sumWritesThem() throws IOException {
        Path folder = checkpoint(2);
        List<String> lines = Files.readAllLines(folder.resolve(CheckpointManifest.FILE));
        // sha256sum's format: the digest, two spaces, the path; sorted by path
        assertEquals(List.of(
                CheckpointManifest.sha256(folder.resolve("model/weights.bin")) + "  model/weights.bin",
                CheckpointManifest.sha256(folder.resolve(StepCheckpoints.STATE_FILE)) + "  trainer_state.json"), lines);
        // the SHA-256 of the bytes "abc" (FIPS 180-2, appendix B.1)
        Path abc = Files.writeString(run.resolve("abc"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", CheckpointManifest.sha256(abc));
        assertEquals(OptionalInt.of(2), CheckpointManifest.verify(folder));
    }

    @Test
    void aFlippedByteNamesTheFileAndThePreviousCheckpoint() throws IOException {
        checkpoint(2);
        Path folder = checkpoint(4);
        Path weights = folder.resolve("model/weights.bin");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[3] ^= 0x01;
        Files.write(weights, bytes);
        String message = userError(() -> CheckpointManifest.verify(folder));
        assertEquals(weights + ": its SHA-256 differs from the one in SHA256SUMS (the file was damaged or changed"
                + " after the checkpoint was written); resume from the previous complete checkpoint instead: --resume "
                + StepCheckpoints.folder(run, 2).toAbsolutePath(), message);
    }

    @Test
    void missingUnlistedAndEditedFilesAreRefused() throws IOException {
        Path folder = checkpoint(2);
        Files.writeString(folder.resolve("model/model.safetensors"), "a file that would be loaded first");
        userError(() -> CheckpointManifest.verify(folder), folder.resolve("model/model.safetensors").toString(),
                "not listed in SHA256SUMS", "the run has no earlier complete checkpoint to resume from");
        Files.delete(folder.resolve("model/model.safetensors"));

        Files.writeString(folder.resolve(StepCheckpoints.STATE_FILE), "{\"global_step\": 3}");
        userError(() -> CheckpointManifest.verify(folder), folder.resolve(StepCheckpoints.STATE_FILE).toString(),
                "its SHA-256 differs");

        Files.delete(folder.resolve(StepCheckpoints.STATE_FILE));
        userError(() -> CheckpointManifest.verify(folder), folder.resolve(StepCheckpoints.STATE_FILE).toString(),
                "missing, but listed in SHA256SUMS");
    }

    @Test
    void aManifestThatIsNotSha256sumsOrLeavesTheFolderIsRefused() throws IOException {
        Path folder = checkpoint(2);
        Path manifest = folder.resolve(CheckpointManifest.FILE);
        String digest = "0".repeat(64);
        for (String[] c : new String[][] {
            {"not a sum", "SHA256SUMS:1: expected a SHA-256 (64 lowercase hex digits), two spaces and a file path"},
            {digest + "  ../../outside", "SHA256SUMS:1: \"../../outside\" is not a path inside the checkpoint folder"},
            {digest + "  /etc/passwd", "is not a path inside the checkpoint folder"},
            {digest + "  a\n" + digest + "  ./a", "SHA256SUMS:2: ./a is listed twice"},
        }) {
            Files.writeString(manifest, c[0] + "\n", StandardCharsets.UTF_8);
            userError(() -> CheckpointManifest.verify(folder), c[1]);
        }
    }

    /** A checkpoint of an earlier dpo4j has no manifest: it is reported as unchecked, not refused. */
    @Test
    void aCheckpointWithoutManifestIsUnchecked() throws IOException {
        Path folder = checkpoint(2);
        Files.delete(folder.resolve(CheckpointManifest.FILE));
        assertEquals(OptionalInt.empty(), CheckpointManifest.verify(folder));
    }

    /** A checkpoint whose writing failed leaves no manifest, and no folder. */
    @Test
    void aFailedWriteLeavesNoManifest() throws IOException {
        checkpoint(2);
        assertThrows(IOException.class, () -> StepCheckpoints.write(run, 4, 5, folder -> {
            Files.writeString(folder.resolve("weights.bin"), "half");
            throw new IOException("No space left on device");
        }));
        assertFalse(Files.exists(StepCheckpoints.folder(run, 4)));
        try (var s = Files.list(run.resolve(StepCheckpoints.DIR))) {
            assertEquals(List.of("step-2"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
