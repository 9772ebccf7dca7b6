package org.dpo4j.trainer.checkpoint;

import static org.dpo4j.trainer.checkpoint.TestFiles.f32;
import static org.dpo4j.trainer.checkpoint.TestFiles.safetensors;
import static org.dpo4j.trainer.checkpoint.TestFiles.userError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening model folders, single-file and sharded, and the loader's lookups and shape checks. */
class CheckpointFilesTest {

    private static final String INDEX = "{\"metadata\":{\"total_size\":32},\"weight_map\":{"
            + "\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}";

    @TempDir
    Path dir;

    /** Shard 1: a = [1, 2] (shape [2]); shard 2: b = [[3, 4, 5], [6, 7, 8]] (shape [2, 3]). */
    private void twoShards(String index) throws IOException {
        safetensors(dir.resolve("model-00001-of-00002.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32(1, 2));
        safetensors(dir.resolve("model-00002-of-00002.safetensors"),
                "{\"b\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", f32(3, 4, 5, 6, 7, 8));
        Files.writeString(dir.resolve(CheckpointFiles.INDEX_FILE), index);
    }

    @Test
    void shardedFolderReadsThroughTheIndex() throws IOException {
        twoShards(INDEX);
        try (CheckpointFiles c = CheckpointFiles.open(dir); NDManager manager = NDManager.newBaseManager()) {
            assertEquals(List.of("a", "b"), List.copyOf(c.entries().keySet()));
            assertEquals(dir.resolve("model-00002-of-00002.safetensors"), c.fileOf("b"));
            assertArrayEquals(new float[] {1, 2}, c.readFloats("a"));
            try (NDArray b = c.load("b", new Shape(2, 3), manager)) {
                assertEquals(new Shape(2, 3), b.getShape());
                assertArrayEquals(new float[] {3, 4, 5, 6, 7, 8}, b.toFloatArray());
            }
        }
    }

    @Test
    void singleFileFolder() throws IOException {
        safetensors(dir.resolve("model.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32(1, 2));
        try (CheckpointFiles c = CheckpointFiles.open(dir)) {
            assertEquals(List.of(dir.resolve("model.safetensors")), c.files());
            assertTrue(c.contains("a"));
            assertFalse(c.contains("b"));
            assertEquals(new Shape(2), c.require("a", new Shape(2)).shape());
        }
    }

    @Test
    void theSingleFileWinsOverAnIndexAsInTransformers() throws IOException {
        twoShards(INDEX);
        safetensors(dir.resolve("model.safetensors"),
                "{\"z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(9));
        try (CheckpointFiles c = CheckpointFiles.open(dir)) {
            assertEquals(List.of("z"), List.copyOf(c.entries().keySet()));
        }
    }

    @Test
    void missingTensorNamesTheSourceAndTheExpectedShape() throws IOException {
        twoShards(INDEX);
        Path index = dir.resolve(CheckpointFiles.INDEX_FILE);
        try (CheckpointFiles c = CheckpointFiles.open(dir); NDManager manager = NDManager.newBaseManager()) {
            String message = userError(() -> c.load("lm_head.weight", new Shape(7, 2), manager));
            assertEquals(index + ": missing tensor lm_head.weight (expected shape [7, 2])", message);
            userError(() -> c.readFloats("lm_head.weight"), index.toString(), "missing tensor lm_head.weight");
        }
    }

    @Test
    void wrongShapeNamesTheFileAndBothShapes() throws IOException {
        twoShards(INDEX);
        Path shard = dir.resolve("model-00002-of-00002.safetensors");
        try (CheckpointFiles c = CheckpointFiles.open(dir); NDManager manager = NDManager.newBaseManager()) {
            String message = userError(() -> c.load("b", new Shape(3, 2), manager));
            assertEquals(shard + ": tensor b has shape [2, 3], expected [3, 2]", message);
            userError(() -> c.require("a", new Shape()), "tensor a has shape [2], expected []");
        }
    }

    @Test
    void indexEntryMissingFromItsFile() throws IOException {
        twoShards("{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\","
                + "\"b\":\"model-00001-of-00002.safetensors\"}}");
        Path index = dir.resolve(CheckpointFiles.INDEX_FILE);
        userError(() -> CheckpointFiles.open(dir), index.toString(),
                "weight_map puts tensor b in model-00001-of-00002.safetensors",
                dir.resolve("model-00001-of-00002.safetensors") + " has no such tensor");
    }

    @Test
    void indexNamingAMissingFile() throws IOException {
        twoShards("{\"weight_map\":{\"a\":\"model-00001-of-00003.safetensors\"}}");
        userError(() -> CheckpointFiles.open(dir), CheckpointFiles.INDEX_FILE, "tensor a",
                dir.resolve("model-00001-of-00003.safetensors") + " does not exist");
    }

    @Test
    void indexCannotReachOutsideTheFolder() throws IOException {
        twoShards("{\"weight_map\":{\"a\":\"../elsewhere.safetensors\"}}");
        userError(() -> CheckpointFiles.open(dir), "\"../elsewhere.safetensors\"", "not a file name inside");
    }

    @Test
    void invalidIndex() throws IOException {
        twoShards("{\"weight_map\": [");
        userError(() -> CheckpointFiles.open(dir), CheckpointFiles.INDEX_FILE, "malformed JSON");
        Files.writeString(dir.resolve(CheckpointFiles.INDEX_FILE), "{\"metadata\": {}}");
        userError(() -> CheckpointFiles.open(dir), "\"weight_map\" object");
        Files.writeString(dir.resolve(CheckpointFiles.INDEX_FILE), "{\"weight_map\": {\"a\": 1}}");
        userError(() -> CheckpointFiles.open(dir), "weight_map[\"a\"] must be a file name, found 1");
    }

    @Test
    void aBrokenShardIsReportedAsItself() throws IOException {
        twoShards(INDEX);
        Path shard = dir.resolve("model-00002-of-00002.safetensors");
        Files.write(shard, new byte[3]);
        userError(() -> CheckpointFiles.open(dir), shard.toString(), "truncated");
    }

    @Test
    void folderWithoutACheckpoint() throws IOException {
        String message = userError(() -> CheckpointFiles.open(dir));
        assertEquals(dir + ": no model.safetensors or model.safetensors.index.json in this folder", message);
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1});
        userError(() -> CheckpointFiles.open(dir), "pytorch_model.bin", ".bin (pickle) checkpoints are not supported",
                "convert to safetensors");
        userError(() -> CheckpointFiles.open(dir.resolve("absent")), "no such checkpoint folder");
        userError(() -> CheckpointFiles.open(dir.resolve("pytorch_model.bin")), "is a file, expected a checkpoint folder");
    }

    @Test
    void messageHelpersForOtherLoaders() {
        Path file = Path.of("m", "model.safetensors");
        assertEquals(file + ": tensor w has shape [2, 3], expected [3]",
                CheckpointFiles.wrongShape(file, "w", new Shape(2, 3), new Shape(3)));
        assertEquals(file + ": missing tensor w (expected shape [])",
                CheckpointFiles.missingTensor(file, "w", new Shape()));
    }
}
