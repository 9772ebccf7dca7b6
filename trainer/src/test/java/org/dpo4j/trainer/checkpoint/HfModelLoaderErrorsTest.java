package org.dpo4j.trainer.checkpoint;

import static org.dpo4j.trainer.checkpoint.TestFiles.userError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.opentest4j.TestAbortedException;
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

    /** The first single-file Llama case of {@code parity.dir} (rewritten as F32 where a test breaks it). */
    private static ParityCases.Case llama() {
        return ParityCases.first(c -> c.architecture().equals("LlamaForCausalLM") && !c.sharded())
                .orElseThrow(() -> new TestAbortedException("no single-file Llama case in parity.dir: nothing to corrupt"));
    }

    /** The first GPT-2 case of {@code parity.dir}. */
    private static ParityCases.Case gpt2() {
        return ParityCases.first(c -> c.architecture().equals("GPT2LMHeadModel") && !c.sharded())
                .orElseThrow(() -> new TestAbortedException("no single-file GPT-2 case in parity.dir: nothing to corrupt"));
    }

    /** A writable copy of a golden case. */
    private Path copyOf(ParityCases.Case c) throws IOException {
        Path source = c.dir();
        Path copy = dir.resolve(c.name());
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    /** The case's float tensors, read as float32 under their stored names. */
    private Map<String, NDArray> tensors(Path folder) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (CheckpointFiles files = CheckpointFiles.open(folder)) {
            for (TensorEntry e : files.entries().values()) {
                if (List.of("F32", "F16", "BF16").contains(e.dtype())) { // not a U8 mask buffer
                    out.put(e.name(), files.toNDArray(e.name(), manager));
                }
            }
        }
        return out;
    }

    private void rewrite(Path folder, Map<String, NDArray> tensors) throws IOException {
        SafetensorsWriter.write(folder.resolve(CheckpointFiles.SINGLE_FILE), tensors, SaveDtype.F32);
    }

    @Test
    void aMissingTensorNamesTheFolderTensorAndShape() throws IOException {
        ParityCases.Case llama = llama();
        Path folder = copyOf(llama);
        Map<String, NDArray> tensors = tensors(folder);
        tensors.remove("model.norm.weight");
        rewrite(folder, tensors);
        int hidden = llama.config().get("hidden_size").asInt();
        userError(() -> HfModelLoader.load(folder, 7, manager),
                folder.toString(), "missing tensor model.norm.weight", "[" + hidden + "]");
    }

    @Test
    void aWrongShapeNamesExpectedAndFound() throws IOException {
        Path folder = copyOf(llama());
        Map<String, NDArray> tensors = tensors(folder);
        // q_proj is (heads·head_dim, hidden), as stored; store one column more instead
        String name = "model.layers.1.self_attn.q_proj.weight";
        long[] stored = tensors.get(name).getShape().getShape();
        tensors.put(name, manager.zeros(new Shape(stored[0], stored[1] + 1)));
        rewrite(folder, tensors);
        userError(() -> HfModelLoader.load(folder, 7, manager), "model.safetensors", name,
                "[" + stored[0] + ", " + (stored[1] + 1) + "]", "expected [" + stored[0] + ", " + stored[1] + "]");
    }

    @Test
    void aTruncatedFileAndAHeaderPastTheEndAreNamed() throws IOException {
        Path folder = copyOf(llama());
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
        ParityCases.Case sharded = ParityCases.first(ParityCases.Case::sharded)
                .orElseThrow(() -> new TestAbortedException("no sharded case in parity.dir: nothing to corrupt"));
        Path folder = copyOf(sharded);
        String last = sharded.files().stream().filter(f -> f.endsWith(".safetensors")).sorted().reduce((a, b) -> b).orElseThrow();
        Files.delete(folder.resolve(last));
        userError(() -> HfModelLoader.load(folder, 7, manager), last);
    }

    @Test
    void gpt2LoadsWithTheTransformerPrefixAndMaskBuffers() throws IOException {
        Path plain = gpt2().dir();
        Path prefixed = copyOf(gpt2());
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
        Path folder = copyOf(gpt2());
        Map<String, NDArray> tensors = tensors(folder);
        tensors.put("transformer.ln_f.bias", tensors.get("ln_f.bias"));
        rewrite(folder, tensors);
        userError(() -> HfModelLoader.load(folder, 7, manager), "ln_f.bias", "transformer.ln_f.bias", "same parameter");
    }

    @Test
    void extraTensorsAreReportedAsUnused() throws IOException {
        Path folder = copyOf(llama());
        Map<String, NDArray> tensors = tensors(folder);
        tensors.put("model.layers.0.self_attn.extra_proj.weight", manager.zeros(new Shape(4)));
        rewrite(folder, tensors);
        assertEquals(List.of("model.layers.0.self_attn.extra_proj.weight"), HfModelLoader.load(folder, 7, manager).unusedTensors());
    }

    @Test
    void aConfigJsonProblemComesBeforeAnyWeightIsRead() throws IOException {
        Path folder = copyOf(llama());
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(folder.resolve("config.json").toFile());
        config.remove("rope_parameters");
        config.set("rope_scaling", new ObjectMapper().readTree("{\"rope_type\": \"yarn\", \"factor\": 8.0}"));
        Files.writeString(folder.resolve("config.json"), config.toString(), StandardCharsets.UTF_8);
        Files.delete(folder.resolve(CheckpointFiles.SINGLE_FILE));
        userError(() -> HfModelLoader.load(folder, 7, manager), "config.json", "rope_scaling", "yarn");
    }
}
