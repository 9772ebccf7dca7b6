package org.dpo4j.trainer.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.checkpoint.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache file: round trip, a valid safetensors file, and every way it can be unusable. */
class ReferenceCacheFileTest {

    private static final String KEY = "ab".repeat(32);
    private static final ReferenceLogProbs VALUES = new ReferenceLogProbs(
            new double[] {-12.5, -0.0, -301.25, -1e-7},
            new double[] {-13.75, -1.0, -299.5, -3.0},
            new double[] {5, 0, 64, 1},
            new double[] {6, 1, 63, 2});

    @TempDir Path dir;

    private Path written() throws IOException {
        Path file = ReferenceCacheFile.path(dir.resolve("reference"), KEY);
        ReferenceCacheFile.write(file, KEY, VALUES);
        return file;
    }

    private String invalid(Path file, String key, int pairs) {
        return assertThrows(ReferenceCacheFile.Invalid.class, () -> ReferenceCacheFile.read(file, key, pairs)).getMessage();
    }

    @Test
    void valuesRoundTripBitForBit() throws Exception {
        Path file = written();
        assertEquals(dir.resolve("reference").resolve(KEY + ".safetensors"), file);
        assertEquals(VALUES, ReferenceCacheFile.read(file, KEY, 4));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void theFileIsASafetensorsFileWithItsKeyInTheMetadata() throws Exception {
        Path file = written();
        assertEquals(0, (Files.size(file) - 8 - 4 * 4 * 8) % 8, "the header is padded to 8 bytes");
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertEquals(List.of("chosen_logps", "chosen_tokens", "rejected_logps", "rejected_tokens"),
                    st.entries().keySet().stream().sorted().toList());
            for (String name : st.entries().keySet()) {
                assertEquals("F64", st.entry(name).dtype());
                assertEquals(new Shape(4), st.entry(name).shape());
            }
            Map<String, String> meta = st.metadata();
            assertEquals(KEY, meta.get("key"));
            assertEquals("4", meta.get("pairs"));
            assertEquals("dpo4j-reference-logprobs", meta.get("format"));
            float[] chosen = new float[4];
            for (int i = 0; i < 4; i++) {
                chosen[i] = (float) VALUES.chosen()[i];
            }
            assertArrayEquals(chosen, st.readFloats("chosen_logps"));
        }
    }

    @Test
    void aFileForAnotherKeyOrAnotherNumberOfPairsIsStale() throws Exception {
        Path file = written();
        assertTrue(invalid(file, "cd".repeat(32), 4).startsWith("stale: written for key " + KEY), invalid(file, "cd".repeat(32), 4));
        assertTrue(invalid(file, KEY, 3).startsWith("truncated or not a cache file"), invalid(file, KEY, 3));
    }

    @Test
    void aFlippedValueBitIsCorrupt() throws Exception {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x01; // a bit of rejected_tokens[3]
        Files.write(file, bytes);
        assertEquals("corrupt: its values do not match their SHA-256 checksum", invalid(file, KEY, 4));
    }

    @Test
    void truncatedMissingAndForeignFilesAreInvalid() throws Exception {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(invalid(file, KEY, 4).startsWith("truncated"), invalid(file, KEY, 4));
        Files.write(file, Arrays.copyOf(bytes, 5));
        assertEquals("truncated (5 bytes)", invalid(file, KEY, 4));
        Files.delete(file);
        assertEquals("missing", invalid(file, KEY, 4));
        // a well-formed safetensors file of another kind
        Files.write(file, bytes);
        byte[] foreign = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("dpo4j-reference-logprobs", "dpo4j-reference-logprobZ").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(file, foreign);
        assertEquals("not a dpo4j-reference-logprobs v1 file", invalid(file, KEY, 4));
    }

    @Test
    void theCacheFolderFollowsDpo4jCache() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/data/c/reference"), ReferenceCacheDir.fromEnvironment(Map.of("DPO4J_CACHE", "/data/c"), home));
        assertEquals(Path.of("/home/u/.cache/dpo4j/reference"), ReferenceCacheDir.fromEnvironment(Map.of(), home));
        assertEquals(Path.of("/home/u/.cache/dpo4j/reference"), ReferenceCacheDir.fromEnvironment(Map.of("DPO4J_CACHE", " "), home));
    }
}
