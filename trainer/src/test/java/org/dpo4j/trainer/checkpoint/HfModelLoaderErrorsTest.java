package org.dpo4j.trainer.checkpoint;

import static org.dpo4j.trainer.checkpoint.TestFiles.userError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.gpt2.Gpt2TensorNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader on broken copies of the golden checkpoints: each problem fails with one line naming
 * the file, the tensor and expected vs found; GPT-2's name variants and buffers load.
 */
class HfModelLoaderErrorsTest {

    @TempDir Path dir;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** A writable copy of a golden case. */
    private Path copyOf(String caseName) throws IOException {
        Path source = TestFiles.parityDir().resolve(caseName);
        Path copy = dir.resolve(caseName);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    /** The case's tensors, read as float32 under their stored names. */
    private Map<String, NDArray> tensors(Path folder) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (CheckpointFiles files = CheckpointFiles.open(folder)) {
            for (String name : files.entries().keySet()) {
                out.put(name, files.toNDArray(name, manager));
            }
        }
        return out;
    }

    private void rewrite(Path folder, Map<String, NDArray> tensors) throws IOException {
        SafetensorsWriter.write(folder.resolve(CheckpointFiles.SINGLE_FILE), tensors, SaveDtype.F32);
    }

    @Test
    void aMissingTensorNamesTheFolderTensorAndShape() throws IOException {
        Path folder = copyOf("llama-gqa-f32");
        Map<String, NDArray> tensors = tensors(folder);
        tensors.remove("model.norm.weight");
        rewrite(folder, tensors);
        // hidden_size 64 in the case's config.json
        userError(() -> HfModelLoader.load(folder, 7, manager),
                folder.toString(), "missing tensor model.norm.weight", "[64]");
    }

    @Test
    void aWrongShapeNamesExpectedAndFound() throws IOException {
        Path folder = copyOf("llama-gqa-f32");
        Map<String, NDArray> tensors = tensors(folder);
        // q_proj is (heads·head_dim, hidden) = (4·16, 64); store its transpose-shaped slice instead
        tensors.put("model.layers.1.self_attn.q_proj.weight", manager.zeros(new Shape(64, 32)));
        rewrite(folder, tensors);
        userError(() -> HfModelLoader.load(folder, 7, manager),
                "model.safetensors", "model.layers.1.self_attn.q_proj.weight", "[64, 32]", "expected [64, 64]");
    }

    @Test
    void aTruncatedFileAndAHeaderPastTheEndAreNamed() throws IOException {
        Path folder = copyOf("llama-gqa-f32");
        Path file = folder.resolve(CheckpointFiles.SINGLE_FILE);
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();

        // cut inside the data: the last tensors' offsets now point past the end
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        userError(() -> HfModelLoader.load(folder, 7, manager), "model.safetensors", "past the end");

        // cut inside the header itself
        Files.write(file, Arrays.copyOf(bytes, (int) (8 + headerLength / 2)));
        userError(() -> HfModelLoader.load(folder, 7, manager), "model.safetensors", "truncated");
    }

    @Test
    void aShardedCheckpointWithAMissingShardNamesIt() throws IOException {
        Path folder = copyOf("llama-sharded-f16");
        Files.delete(folder.resolve("model-00002-of-00002.safetensors"));
        userError(() -> HfModelLoader.load(folder, 7, manager), "model-00002-of-00002.safetensors");
    }

    @Test
    void gpt2LoadsWithTheTransformerPrefixAndMaskBuffers() throws IOException {
        Path plain = TestFiles.parityDir().resolve("gpt2-tied-f32");
        Path prefixed = copyOf("gpt2-tied-f32");
        Map<String, NDArray> stored = tensors(plain);
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        ByteBuffer data = ByteBuffer.allocate(16 << 20).order(ByteOrder.LITTLE_ENDIAN);
        stored.keySet().removeIf(Gpt2TensorNames::isBuffer);
        for (Map.Entry<String, NDArray> e : stored.entrySet()) {
            float[] values = e.getValue().toFloatArray();
            int begin = data.position();
            for (float v : values) {
                data.putFloat(v);
            }
            header.append(",\"transformer.").append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(e.getValue().getShape().getShape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(begin).append(',').append(data.position()).append("]}");
        }
        // GPT2LMHeadModel files carry a causal-mask buffer per block (U8 here) and a scalar
        int begin = data.position();
        data.put(new byte[16]);
        header.append(",\"transformer.h.0.attn.bias\":{\"dtype\":\"U8\",\"shape\":[1,1,4,4],\"data_offsets\":[")
                .append(begin).append(',').append(data.position()).append("]}");
        begin = data.position();
        data.putFloat(-1e4f);
        header.append(",\"transformer.h.0.attn.masked_bias\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[")
                .append(begin).append(',').append(data.position()).append("]}}");
        TestFiles.safetensors(prefixed.resolve(CheckpointFiles.SINGLE_FILE), header.toString(),
                Arrays.copyOf(data.array(), data.position()));

        LoadedModel a = HfModelLoader.load(plain, 7, manager);
        LoadedModel b = HfModelLoader.load(prefixed, 7, manager);
        assertEquals(List.of(), b.unusedTensors());
        NDArray ids = manager.create(new long[] {3, 9, 27, 81, 5}, new Shape(1, 5));
        NDArray mask = manager.ones(new Shape(1, 5));
        assertArrayEquals(CausalLm.of(a.architecture(), a.weights()).forward(ids, mask).toFloatArray(),
                CausalLm.of(b.architecture(), b.weights()).forward(ids, mask).toFloatArray(), 0f);
    }

    @Test
    void gpt2WithBothSpellingsOfOneTensorIsAmbiguous() throws IOException {
        Path folder = copyOf("gpt2-tied-f32");
        Map<String, NDArray> tensors = tensors(folder);
        tensors.put("transformer.ln_f.bias", tensors.get("ln_f.bias"));
        rewrite(folder, tensors);
        userError(() -> HfModelLoader.load(folder, 7, manager), "ln_f.bias", "transformer.ln_f.bias", "same parameter");
    }

    @Test
    void extraTensorsAreReportedAsUnused() throws IOException {
        Path folder = copyOf("llama-gqa-f32");
        Map<String, NDArray> tensors = tensors(folder);
        tensors.put("model.layers.0.self_attn.q_proj.bias", manager.zeros(new Shape(64)));
        rewrite(folder, tensors);
        assertEquals(List.of("model.layers.0.self_attn.q_proj.bias"), HfModelLoader.load(folder, 7, manager).unusedTensors());
    }

    @Test
    void aConfigJsonProblemComesBeforeAnyWeightIsRead() throws IOException {
        Path folder = copyOf("llama-gqa-f32");
        String config = Files.readString(folder.resolve("config.json"), StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("config.json"), config.replace("\"rope_scaling\": null",
                "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0}"));
        Files.delete(folder.resolve(CheckpointFiles.SINGLE_FILE));
        userError(() -> HfModelLoader.load(folder, 7, manager), "config.json", "rope_scaling", "llama3");
    }
}
