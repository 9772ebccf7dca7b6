package org.dpo4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face fixtures of {@code parity.dir} (F32, BF16, and F16 in two shards): every
 * tensor decodes to the values an independent decoder in this test gets from the raw bytes, and
 * writing the decoded tensors back reproduces every file byte for byte.
 */
class GoldenCheckpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A case folder and the dtype index.json says its weights have. */
    private record Case(Path dir, String dtype) {}

    private static List<Case> cases() throws IOException {
        Path root = TestFiles.parityDir();
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : JSON.readTree(root.resolve("index.json").toFile()).get("cases")) {
            cases.add(new Case(root.resolve(c.get("dir").asText()), c.get("weight_dtype").asText()));
        }
        List<String> dtypes = cases.stream().map(Case::dtype).toList();
        assertTrue(dtypes.containsAll(List.of("F32", "BF16", "F16")), "fixtures lack a dtype: " + dtypes);
        return cases;
    }

    @Test
    void everyTensorDecodesToTheRawBytesValues() throws IOException {
        int sharded = 0;
        for (Case c : cases()) {
            Map<String, float[]> expected = independentDecode(c.dir());
            try (CheckpointFiles checkpoint = CheckpointFiles.open(c.dir());
                    NDManager manager = NDManager.newBaseManager()) {
                sharded += checkpoint.files().size() > 1 ? 1 : 0;
                assertEquals(expected.keySet(), checkpoint.entries().keySet(), c.dir().toString());
                for (TensorEntry entry : checkpoint.entries().values()) {
                    String where = c.dir().getFileName() + " " + entry.name();
                    assertEquals(c.dtype(), entry.dtype(), where);
                    float[] values = checkpoint.readFloats(entry.name());
                    assertBitsEqual(expected.get(entry.name()), values, where);

                    NDArray array = checkpoint.toNDArray(entry.name(), manager);
                    assertEquals(entry.shape(), array.getShape(), where);
                    assertBitsEqual(values, array.toFloatArray(), where);
                    array.close();
                }
                // chunks of 7 elements: most tensors take several chunks and end in a partial one
                for (Path path : checkpoint.files()) {
                    try (SafetensorsFile file = SafetensorsFile.open(path)) {
                        for (String name : file.entries().keySet()) {
                            try (NDArray chunked = file.toNDArray(name, manager, 7)) {
                                assertBitsEqual(expected.get(name), chunked.toFloatArray(), name + " chunked");
                            }
                        }
                    }
                }
            }
        }
        assertTrue(sharded > 0, "no sharded case among the fixtures");
    }

    @Test
    void handDecodedValues() throws IOException {
        Path root = TestFiles.parityDir();
        try (CheckpointFiles bf16 = CheckpointFiles.open(root.resolve("qwen2-bias-tied-bf16"));
                CheckpointFiles f16 = CheckpointFiles.open(root.resolve("llama-sharded-f16"))) {
            // BF16 0x3F70 (first stored element) is float32 0x3F700000: exponent 126,
            // mantissa 0x700000 / 2^23 = 0.875, so 2^-1 * 1.875 = 0.9375
            assertEquals(0.9375f, bf16.readFloats("model.norm.weight")[0]);
            // F16 0x3BEE: exponent 0b01110 = 14, mantissa 0x3EE = 1006:
            // (1 + 1006/1024) * 2^(14-15) = 2030/2048 = 0.9912109375
            assertEquals(0.9912109375f, f16.readFloats("model.norm.weight")[0]);
            // F16 0xA540: sign 1, exponent 0b01001 = 9, mantissa 0x140 = 320:
            // -(1 + 320/1024) * 2^(9-15) = -1.3125/64 = -0.0205078125
            assertEquals(-0.0205078125f, f16.readFloats("model.embed_tokens.weight")[1]);
            assertEquals(List.of(root.resolve("llama-sharded-f16/model-00002-of-00002.safetensors"),
                            root.resolve("llama-sharded-f16/model-00001-of-00002.safetensors")),
                    f16.files(), "in the order the (sorted) weight_map first names them");
        }
    }

    @Test
    void writingTheDecodedTensorsReproducesEveryFile(@TempDir Path tmp) throws IOException {
        for (Case c : cases()) {
            Path out = tmp.resolve(c.dir().getFileName());
            try (CheckpointFiles checkpoint = CheckpointFiles.open(c.dir());
                    NDManager manager = NDManager.newBaseManager()) {
                // the tensors in file order, then each file's header order; the shard limit is the
                // largest file's data size, so the greedy split ends each shard where the fixture does
                Map<String, NDArray> tensors = new LinkedHashMap<>();
                long maxShardBytes = 0;
                for (Path path : checkpoint.files().stream().sorted().toList()) {
                    try (SafetensorsFile file = SafetensorsFile.open(path)) {
                        long bytes = 0;
                        for (TensorEntry e : file.entries().values()) {
                            tensors.put(e.name(), checkpoint.toNDArray(e.name(), manager));
                            bytes += e.byteCount();
                        }
                        maxShardBytes = Math.max(maxShardBytes, bytes);
                    }
                }
                ShardedWriter.Saved saved = ShardedWriter.write(out, tensors, SaveDtype.valueOf(c.dtype()), maxShardBytes);

                List<String> goldenFiles;
                try (Stream<Path> listing = Files.list(c.dir())) {
                    goldenFiles = listing.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".safetensors") || n.endsWith(".index.json")).sorted().toList();
                }
                assertEquals(goldenFiles, saved.files().stream().map(p -> p.getFileName().toString()).sorted().toList());
                for (String name : goldenFiles) {
                    assertArrayEquals(Files.readAllBytes(c.dir().resolve(name)), Files.readAllBytes(out.resolve(name)),
                            c.dir().getFileName() + "/" + name);
                }
            }
        }
    }

    /** Every tensor of the folder's safetensors files, decoded here without the code under test. */
    private static Map<String, float[]> independentDecode(Path dir) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        for (Path file : files) {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = (int) bytes.getLong(0);
            JsonNode header = JSON.readTree(new String(bytes.array(), 8, headerLength, StandardCharsets.UTF_8));
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                String dtype = e.getValue().get("dtype").asText();
                int begin = 8 + headerLength + e.getValue().get("data_offsets").get(0).asInt();
                int end = 8 + headerLength + e.getValue().get("data_offsets").get(1).asInt();
                int width = dtype.equals("F32") ? 4 : 2;
                float[] values = new float[(end - begin) / width];
                for (int i = 0; i < values.length; i++) {
                    int at = begin + i * width;
                    values[i] = switch (dtype) {
                        case "F32" -> bytes.getFloat(at);
                        case "BF16" -> Float.intBitsToFloat((bytes.getShort(at) & 0xFFFF) << 16);
                        case "F16" -> halfByFormula(bytes.getShort(at) & 0xFFFF);
                        default -> throw new AssertionError(dtype);
                    };
                }
                out.put(e.getKey(), values);
            }
        }
        return out;
    }

    /** (-1)^s * 2^(e-15) * (1 + m/1024), or m * 2^-24 when e = 0; fixtures hold no inf or NaN. */
    private static float halfByFormula(int h) {
        int e = (h >> 10) & 0x1F;
        int m = h & 0x3FF;
        assertTrue(e != 31, "inf or NaN in a fixture");
        double magnitude = e == 0 ? m * 0x1p-24 : Math.scalb(1 + m / 1024.0, e - 15);
        return (float) ((h & 0x8000) != 0 ? -magnitude : magnitude);
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length, where);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), where + "[" + i + "]");
        }
    }
}
