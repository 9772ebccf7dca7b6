package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code dpo4j init-model}, in-process through picocli. The command never trains, so the fake
 * trainer only proves that: it must stay unused.
 */
public class InitModelCommandTest {

    /** What a random model folder holds: one unsharded weights file and the tokenizer's three files. */
    public static final List<String> MODEL_FILES = List.of(
            "config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json");

    @TempDir Path work;

    private final TestSupport.FakeTrainer trainer = new TestSupport.FakeTrainer();

    private TestSupport.Result run(String... args) {
        return TestSupport.run(TestSupport.env(trainer, work), args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "gpt2", "qwen3", "gemma3_text"})
    void writesExactlyAHuggingFaceFolderOfTheArch(String arch) throws IOException {
        TestSupport.Result r = run("init-model", "--arch", arch, "--out", "m", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("train it with: ./dpo4j train --set model.path=m"), r.out());

        assertEquals(MODEL_FILES, names(work.resolve("m")));
        // the staging folder (.m.partial) and the temporary files (.NAME.tmp-*) are renamed away
        assertEquals(List.of("m"), names(work), "nothing left beside the folder");
        JsonNode config = new ObjectMapper().readTree(work.resolve("m/config.json").toFile());
        assertEquals(arch, config.get("model_type").asText());
        assertEquals("float32", config.get("torch_dtype").asText(), "init-model writes f32 weights");
        assertTrue(trainer.configs.isEmpty());
    }

    @Test
    void theSeedAloneDecidesTheWeights() throws IOException {
        assertEquals(0, run("init-model", "--out", "a", "--seed", "1").code());
        assertEquals(0, run("init-model", "--out", "b", "--seed", "1").code());
        assertEquals(0, run("init-model", "--out", "c", "--seed", "2").code());

        assertArrayEquals(bytes("a/model.safetensors"), bytes("b/model.safetensors"), "same seed, same weights");
        assertArrayEquals(bytes("a/tokenizer.json"), bytes("b/tokenizer.json"));
        assertFalse(Arrays.equals(bytes("a/model.safetensors"), bytes("c/model.safetensors")),
                "another seed draws other weights");
        // the tokenizer is learned from the built-in pairs, not drawn: the seed must not change it
        assertArrayEquals(bytes("a/tokenizer.json"), bytes("c/tokenizer.json"));
    }

    @Test
    void aNonEmptyOutFolderIsRefusedAndLeftAsItWas() throws IOException {
        TestSupport.write(work, "m/notes.txt", "mine");
        Map<String, String> before = snapshot(work);

        TestSupport.Result r = run("init-model", "--out", "m");
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().startsWith("error: --out: ") && r.err().strip().endsWith(
                "m is not empty; give a new or empty folder"), r.err());
        assertEquals(before, snapshot(work), "no file added, changed or removed, and no staging folder");
    }

    @Test
    void anOutFileIsRefusedAndLeftAsItWas() throws IOException {
        TestSupport.write(work, "m", "a file");
        Map<String, String> before = snapshot(work);

        TestSupport.Result r = run("init-model", "--out", "m");
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().startsWith("error: --out: ") && r.err().strip().endsWith(
                "m is a file; give a new or empty folder"), r.err());
        assertEquals(before, snapshot(work));
    }

    @Test
    void anEmptyOutFolderIsFilledNotReplaced() throws IOException {
        Path m = Files.createDirectories(work.resolve("m"));
        Object inode = Files.readAttributes(m, BasicFileAttributes.class).fileKey();
        assertEquals(0, run("init-model", "--out", "m").code());
        assertEquals(MODEL_FILES, names(m));
        // the user's folder stays the same folder (it may be a mount point or a shell's working directory)
        assertEquals(inode, Files.readAttributes(m, BasicFileAttributes.class).fileKey());
        assertEquals(List.of("m"), names(work), "no staging folder beside it");
    }

    @Test
    void outDotFillsTheEmptyWorkingDirectory() throws IOException {
        // `mkdir m && cd m && dpo4j init-model --out .` once failed with exit 1 and left "...partial" behind
        Path m = Files.createDirectories(work.resolve("m"));
        TestSupport.Result r = TestSupport.run(TestSupport.env(trainer, m), "init-model", "--out", ".");
        assertEquals(0, r.code(), r.err());
        assertEquals(MODEL_FILES, names(m));
        assertEquals(List.of("m"), names(work));

        r = TestSupport.run(TestSupport.env(trainer, m), "init-model", "--out", "sub/..");
        assertEquals(2, r.code(), "sub/.. is the working directory, now full: " + r.err());
        assertEquals(MODEL_FILES, names(m), "and it is left as it was");
    }

    @Test
    void aBadArchOrPresetIsAUsageErrorNamingTheAllowedValues() {
        TestSupport.Result r = run("init-model", "--arch", "bert", "--out", "m");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("usage error: --arch: 'bert' is not one of " + ModelPresets.ARCHES), r.err());

        r = run("init-model", "--preset", "huge", "--out", "m");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("usage error: --preset: 'huge' is not one of [tiny, small]"), r.err());
        assertFalse(Files.exists(work.resolve("m")), "nothing written for a usage error");
    }

    /**
     * {@code --config-json}: the folder has the given config's shapes and keys (here a Gemma 3
     * text config with layer types, both caps and a linear scaling, and a Llama 3.2 one with
     * llama3 scaling), random weights, and a tokenizer of at most its vocabulary.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"model_type\": \"gemma3_text\", \"vocab_size\": 300, \"hidden_size\": 32, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 16, \"intermediate_size\": 48,"
                + " \"query_pre_attn_scalar\": 16, \"sliding_window\": 4, \"layer_types\": [\"sliding_attention\","
                + " \"full_attention\"], \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 8.0},"
                + " \"attn_logit_softcapping\": 50.0, \"final_logit_softcapping\": 30.0}",
        "{\"model_type\": \"llama\", \"vocab_size\": 400, \"hidden_size\": 32, \"num_hidden_layers\": 1,"
                + " \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"head_dim\": 16, \"intermediate_size\": 48,"
                + " \"tie_word_embeddings\": true, \"rope_theta\": 500000.0, \"rope_scaling\": {\"rope_type\": \"llama3\","
                + " \"factor\": 32.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
                + " \"original_max_position_embeddings\": 8192}}"})
    void configJsonGivesTheShapes(String given) throws IOException {
        TestSupport.write(work, "given.json", given);
        TestSupport.Result r = run("init-model", "--config-json", "given.json", "--out", "m", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(MODEL_FILES, names(work.resolve("m")));
        ObjectMapper json = new ObjectMapper();
        JsonNode expected = json.readTree(given);
        JsonNode written = json.readTree(work.resolve("m/config.json").toFile());
        for (Map.Entry<String, JsonNode> key : expected.properties()) {
            JsonNode value = written.get(key.getKey());
            assertTrue(key.getValue().isNumber() ? value.asDouble() == key.getValue().asDouble() : key.getValue().equals(value),
                    key.getKey() + ": " + value);
        }
        assertTrue(r.out().contains("with the shapes of given.json"), r.out());
        JsonNode tokenizer = json.readTree(work.resolve("m/tokenizer.json").toFile());
        assertTrue(tokenizer.get("model").get("vocab").size() <= expected.get("vocab_size").asInt());
    }

    @Test
    void configJsonWithArchOrPresetIsAUsageError() throws IOException {
        TestSupport.write(work, "given.json", "{\"model_type\": \"qwen3\"}");
        TestSupport.Result r = run("init-model", "--config-json", "given.json", "--arch", "qwen3", "--out", "m");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("usage error: --arch: not with --config-json"), r.err());
        r = run("init-model", "--config-json", "missing.json", "--out", "m");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("missing.json"), r.err());
        assertFalse(Files.exists(work.resolve("m")), "nothing written");
    }

    @Test
    void outIsRequired() {
        TestSupport.Result r = run("init-model");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--out"), r.err());
    }

    @Test
    void helpShowsTheExamples() {
        TestSupport.Result r = run("init-model", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:"), r.out());
        assertTrue(r.out().contains("dpo4j init-model --arch llama --preset tiny --out models/tiny-llama --seed 1"),
                r.out());
        assertTrue(r.out().contains("dpo4j train --set model.path=models/tiny-llama"), r.out());
        // the allowed values come from the presets, so the help cannot drift from what is accepted
        assertTrue(r.out().contains(String.join(", ", ModelPresets.ARCHES)) && r.out().contains("tiny, small"), r.out());
        assertEquals("", r.err());
    }

    private byte[] bytes(String file) throws IOException {
        return Files.readAllBytes(work.resolve(file));
    }

    public static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every path under {@code dir} with its content's SHA-256 (files) or "dir" (folders). */
    public static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                entries.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p)));
            }
        }
        return entries;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e); // every JVM has SHA-256
        }
    }
}
