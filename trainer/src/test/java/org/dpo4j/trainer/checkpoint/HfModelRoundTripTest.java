package org.dpo4j.trainer.checkpoint;

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
import java.util.Map;
import java.util.stream.Stream;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.model.ModelWeights;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A model saved by {@link HfModelWriter} loads back through {@link HfModelLoader} unchanged. */
class HfModelRoundTripTest {

    private static final int VOCAB = 300;

    @TempDir Path dir;

    private static HfModelWriter.Companions companions(ModelArchitecture architecture) {
        return new HfModelWriter.Companions(
                architecture, TokenizerFiles.byteTokenizer(64), Map.of("eos_token_id", 257), null);
    }

    /** (1, 6) ids with padding at the end, the trainer's layout. */
    private static float[] logits(CausalLm model, NDManager manager) {
        NDArray ids = manager.create(new long[] {256, 72, 105, 33, 257, 258}, new Shape(1, 6));
        NDArray mask = manager.create(new float[] {1, 1, 1, 1, 1, 0}, new Shape(1, 6));
        return model.forward(ids, mask).toFloatArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "gpt2"})
    void f32SaveLoadsBackWithIdenticalLogitsAndBytes(String arch) throws IOException {
        ModelArchitecture architecture = ModelPresets.of(arch, "tiny", VOCAB);
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(architecture, 3, manager);
            HfModelWriter writer = new HfModelWriter(SaveDtype.F32, Long.MAX_VALUE);
            writer.write(dir.resolve("a"), weights, companions(architecture));
            writer.write(dir.resolve("b"), weights, companions(architecture));

            LoadedModel loaded = HfModelLoader.load(dir.resolve("a"), 64, manager);
            assertEquals(architecture, loaded.architecture(), "config.json reads back as the same architecture");
            assertEquals(List.of(), loaded.unusedTensors());
            assertArrayEquals(logits(CausalLm.of(architecture, weights), manager),
                    logits(CausalLm.of(loaded.architecture(), loaded.weights()), manager), 0f);
            for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
                assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(file)),
                        Files.readAllBytes(dir.resolve("b").resolve(file)), file + " differs between two saves");
            }
            assertNoStagingLeft();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2"})
    void shardedSaveWritesAnIndexAndLoadsBack(String arch) throws IOException {
        ModelArchitecture architecture = ModelPresets.of(arch, "tiny", VOCAB);
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(architecture, 4, manager);
            // 100 kB: the tiny models hold 1.7-2.4 MB of float32, so several shards
            new HfModelWriter(SaveDtype.F32, 100_000).write(dir.resolve("s"), weights, companions(architecture));
            Path folder = dir.resolve("s");
            assertTrue(Files.isRegularFile(folder.resolve(CheckpointFiles.INDEX_FILE)));
            assertFalse(Files.exists(folder.resolve(CheckpointFiles.SINGLE_FILE)));
            try (Stream<Path> files = Files.list(folder)) {
                assertTrue(files.filter(f -> f.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count() > 2);
            }
            LoadedModel loaded = HfModelLoader.load(folder, 64, manager);
            assertArrayEquals(logits(CausalLm.of(architecture, weights), manager),
                    logits(CausalLm.of(loaded.architecture(), loaded.weights()), manager), 0f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bf16", "f16"})
    void halfPrecisionSaveStoresEachWeightRounded(String dtypeName) throws IOException {
        SaveDtype dtype = SaveDtype.parse(dtypeName, "output.save_dtype");
        ModelArchitecture architecture = ModelPresets.of("qwen2", "tiny", VOCAB);
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(architecture, 5, manager);
            new HfModelWriter(dtype, Long.MAX_VALUE).write(dir.resolve("h"), weights, companions(architecture));
            assertTrue(Files.readString(dir.resolve("h/config.json")).contains(
                    "\"torch_dtype\": \"" + HfModelWriter.torchDtype(dtype) + "\""));
            LoadedModel loaded = HfModelLoader.load(dir.resolve("h"), 64, manager);
            for (Map.Entry<String, NDArray> entry : weights.all().entrySet()) {
                float[] original = entry.getValue().toFloatArray();
                float[] expected = new float[original.length];
                for (int i = 0; i < original.length; i++) {
                    expected[i] = dtype.rounded(original[i]);
                }
                assertArrayEquals(expected, loaded.weights().get(entry.getKey()).toFloatArray(), 0f, entry.getKey());
            }
        }
    }

    static Stream<String> parityCases() {
        return ParityCases.all().stream().map(c -> c.dir().toString());
    }

    /** Every fixture case of {@code parity.dir}, saved back and loaded again. */
    @ParameterizedTest
    @MethodSource("parityCases")
    void aLoadedCheckpointKeepsItsConfigAndGenerationConfig(String caseDir) throws IOException {
        Path source = Path.of(caseDir);
        Path copy = dir.resolve("src");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Files.writeString(copy.resolve(HfModelWriter.GENERATION_CONFIG), "{\"max_new_tokens\": 7}\n");
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel loaded = HfModelLoader.load(copy, 7, manager);
            new HfModelWriter(SaveDtype.F32, Long.MAX_VALUE).write(dir.resolve("out"), loaded.weights(),
                    new HfModelWriter.Companions(loaded.architecture(), TokenizerFiles.of(copy), Map.of(), copy));
            String config = Files.readString(dir.resolve("out/config.json"));
            // the user's keys survive (transformers_version is not one dpo4j writes itself)
            assertTrue(config.contains("\"transformers_version\""), config);
            assertTrue(config.contains("\"torch_dtype\": \"float32\""), config);
            if (Files.readString(source.resolve("config.json")).contains("\"dtype\"")) {
                // transformers 5 reads dtype and no longer torch_dtype
                assertTrue(config.contains("\"dtype\": \"float32\""), config);
            }
            assertEquals("{\"max_new_tokens\": 7}\n", Files.readString(dir.resolve("out").resolve(HfModelWriter.GENERATION_CONFIG)));
            LoadedModel again = HfModelLoader.load(dir.resolve("out"), 7, manager);
            assertEquals(loaded.architecture(), again.architecture());
            assertArrayEquals(logits(CausalLm.of(loaded.architecture(), loaded.weights()), manager, loaded.architecture()),
                    logits(CausalLm.of(again.architecture(), again.weights()), manager, again.architecture()), 0f);
        }
    }

    /** Ids inside a fixture's small vocabulary. */
    private static float[] logits(CausalLm model, NDManager manager, ModelArchitecture architecture) {
        long v = architecture.vocabSize();
        NDArray ids = manager.create(new long[] {1, 5 % v, 17 % v, 3, 0}, new Shape(1, 5));
        NDArray mask = manager.create(new float[] {1, 1, 1, 1, 0}, new Shape(1, 5));
        return model.forward(ids, mask).toFloatArray();
    }

    private void assertNoStagingLeft() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".")).toList());
        }
    }
}
