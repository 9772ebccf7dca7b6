package org.dpo4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedWriterTest {

    @TempDir
    Path dir;

    private static Map<String, Long> sizes(Object... nameThenBytes) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            sizes.put((String) nameThenBytes[i], ((Number) nameThenBytes[i + 1]).longValue());
        }
        return sizes;
    }

    @Test
    void greedyPlanLikeHuggingFace() {
        // 5 + 5 = 10 fits a limit of 10 exactly; the third 5 starts a new shard
        assertEquals(List.of(List.of("a", "b"), List.of("c")), ShardedWriter.plan(sizes("a", 5, "b", 5, "c", 5), 10));
        // b (100) is over the limit: a shard of its own at once, before the shard being filled
        assertEquals(List.of(List.of("b"), List.of("a", "c")), ShardedWriter.plan(sizes("a", 4, "b", 100, "c", 4), 10));
        // everything fits: one shard
        assertEquals(List.of(List.of("a", "b")), ShardedWriter.plan(sizes("a", 4, "b", 4), 100));
        // no tensors: one empty file
        assertEquals(List.of(List.of()), ShardedWriter.plan(sizes(), 10));
        assertThrows(IllegalArgumentException.class, () -> ShardedWriter.plan(sizes("a", 1), 0));
    }

    /** a[4], b[2], c[3], d[10], e[1] as F32: 16, 8, 12, 40 and 4 bytes. */
    private static Map<String, NDArray> fiveTensors(NDManager manager) {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("a", manager.arange(0f, 4f).reshape(2, 2));
        t.put("b", manager.arange(10f, 12f));
        t.put("c", manager.arange(20f, 23f));
        t.put("d", manager.arange(30f, 40f).reshape(2, 5));
        t.put("e", manager.create(new float[] {50f}, new Shape()));
        return t;
    }

    @Test
    void shardsIndexAndReadBack() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = fiveTensors(manager);
            // limit 24: [a, b] = 24 fits; c would make 36, so c starts a shard; d (40) goes alone
            // at once; e joins c (16): shards [a, b], [d], [c, e]. Total 16+8+12+40+4 = 80.
            ShardedWriter.Saved saved = ShardedWriter.write(dir, tensors, SaveDtype.F32, 24);
            assertEquals(80, saved.totalBytes());
            assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                            "model-00003-of-00003.safetensors", "model.safetensors.index.json"),
                    saved.files().stream().map(p -> p.getFileName().toString()).toList());
            assertEquals("""
                    {
                      "metadata": {
                        "total_size": 80
                      },
                      "weight_map": {
                        "a": "model-00001-of-00003.safetensors",
                        "b": "model-00001-of-00003.safetensors",
                        "c": "model-00003-of-00003.safetensors",
                        "d": "model-00002-of-00003.safetensors",
                        "e": "model-00003-of-00003.safetensors"
                      }
                    }
                    """, Files.readString(dir.resolve(CheckpointFiles.INDEX_FILE)));
            try (CheckpointFiles read = CheckpointFiles.open(dir)) {
                assertEquals(3, read.files().size());
                for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                    try (NDArray back = read.load(e.getKey(), e.getValue().getShape(), manager)) {
                        assertArrayEquals(e.getValue().toFloatArray(), back.toFloatArray(), e.getKey());
                    }
                }
            }
        }
    }

    @Test
    void halfPrecisionSizesCountTwoBytes() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            // BF16 halves every size: 8, 4, 6, 20, 2 = 40 bytes; a limit of 40 holds them all
            ShardedWriter.Saved saved = ShardedWriter.write(dir, fiveTensors(manager), SaveDtype.BF16, 40);
            assertEquals(40, saved.totalBytes());
            assertEquals(List.of(dir.resolve("model.safetensors")), saved.files());
        }
    }

    @Test
    void aNewSaveRemovesTheCheckpointFilesOfTheOldOne() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        try (NDManager manager = NDManager.newBaseManager()) {
            ShardedWriter.write(dir, fiveTensors(manager), SaveDtype.F32, 24);
            ShardedWriter.write(dir, fiveTensors(manager), SaveDtype.F32, ByteSize.parse("5GB", "max_shard_size"));
            assertEquals(List.of("config.json", "model.safetensors"), listing());
            // and back: the single file would otherwise shadow the shards
            ShardedWriter.write(dir, fiveTensors(manager), SaveDtype.F32, 60);
            assertEquals(List.of("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                    "model.safetensors.index.json"), listing());
            try (CheckpointFiles read = CheckpointFiles.open(dir)) {
                assertEquals(2, read.files().size());
            }
        }
    }

    @Test
    void aTensorThatIsNotFloat32FailsBeforeAnyFileIsWritten() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = fiveTensors(manager);
            tensors.put("ids", manager.create(new int[] {1, 2}));
            assertThrows(IllegalArgumentException.class, () -> ShardedWriter.write(dir, tensors, SaveDtype.F32, 24));
            assertEquals(List.of(), listing());
        }
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
