package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a LoRA run leaves behind, used as a user would: {@code dpo4j merge} of its adapter folder
 * into the base, {@code eval} and {@code generate} with {@code --adapter}, and {@code validate}'s
 * trainable-parameter line. One short real run (tiny llama folder from {@code init-model},
 * r 4, every linear layer, {@code output.merge_lora}) serves every test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoraCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RANK = 4;
    private static final String[] LORA = {"lora.r=" + RANK, "lora.alpha=8", "lora.target_modules=all-linear"};

    private Path work;
    private RealRuns runs;
    private Path base;
    private Path pairs;

    @BeforeAll
    void trainALoraRun(@TempDir Path dir) throws IOException {
        work = dir;
        runs = new RealRuns(work);
        base = runs.initModel("llama", "base", 7);
        pairs = Files.copy(TestSupport.projectRoot().resolve("examples/pairs.jsonl"), work.resolve("pairs.jsonl"));
        List<String> sets = new ArrayList<>(List.of("model.path=" + base, "optim.lr=1e-2", "output.merge_lora=true"));
        sets.addAll(List.of(LORA));
        TestSupport.Result r = runs.train("runs/lora", 10, sets.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(work.resolve("runs/lora/final/adapter_model.safetensors")));
        assertTrue(Files.isRegularFile(work.resolve("runs/lora/final-merged/config.json")));
    }

    @Test
    void mergeWritesTheModelTheRunMergedAndItScoresAsBasePlusAdapter() throws IOException {
        TestSupport.Result merged = runs.run("merge", "--base", base.toString(), "--adapter", path("runs/lora/final"),
                "--out", path("merged"));
        assertEquals(0, merged.code(), merged.err());

        JsonNode withAdapter = evalMetrics("eval-adapter", "--model", base.toString(), "--adapter", path("runs/lora/final"));
        JsonNode ofMerge = evalMetrics("eval-merge", "--model", path("merged"));
        JsonNode ofRunsMerge = evalMetrics("eval-run-merge", "--model", path("runs/lora/final-merged"));
        JsonNode ofBase = evalMetrics("eval-base", "--model", base.toString());
        int compared = 0;
        for (Iterator<String> names = withAdapter.fieldNames(); names.hasNext();) {
            String name = names.next();
            double expected = withAdapter.get(name).asDouble();
            double tolerance = 1e-5 * Math.max(1, Math.abs(expected));
            assertEquals(expected, ofMerge.get(name).asDouble(), tolerance, "merge: " + name);
            assertEquals(expected, ofRunsMerge.get(name).asDouble(), tolerance, "output.merge_lora: " + name);
            compared++;
        }
        assertTrue(compared > 0, withAdapter.toString());
        // the adapter changed the model: base alone scores the pairs differently
        assertNotEquals(withAdapter.get("eval/logps/chosen").asDouble(), ofBase.get("eval/logps/chosen").asDouble());
    }

    @Test
    void greedyGenerationWithTheAdapterEqualsTheMergedModels() throws IOException {
        TestSupport.Result merged = runs.run("merge", "--base", base.toString(), "--adapter", path("runs/lora/final"),
                "--out", path("merged-for-generate"));
        assertEquals(0, merged.code(), merged.err());
        List<String> viaAdapter = completions("gen-adapter.jsonl", "--model", base.toString(), "--adapter",
                path("runs/lora/final"));
        List<String> viaMerge = completions("gen-merge.jsonl", "--model", path("merged-for-generate"));
        assertEquals(viaMerge, viaAdapter);
        assertEquals(2, viaAdapter.size());
    }

    @Test
    void validateCountsTheAdaptersOfEveryLinearLayerAsTrainable() throws IOException {
        List<String> args = new ArrayList<>(List.of("validate", "--set", "model.path=" + base));
        for (String s : LORA) {
            args.add("--set");
            args.add(s);
        }
        TestSupport.Result r = runs.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("trainable: ([0-9,]+) of ([0-9,]+) parameters").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(expectedAdapterScalars(), Long.parseLong(m.group(1).replace(",", "")), r.out());
        assertTrue(r.out().toLowerCase(Locale.ROOT).contains("memory"), "and its memory estimate: " + r.out());
    }

    /**
     * r·(in + out) per adapted layer, every linear layer of every block, from the base's
     * config.json: q (d → H·D), k and v (d → KV·D), o (H·D → d), gate and up (d → I), down (I → d).
     */
    private long expectedAdapterScalars() throws IOException {
        JsonNode c = JSON.readTree(base.resolve("config.json").toFile());
        long d = c.get("hidden_size").asLong();
        long heads = c.get("num_attention_heads").asLong();
        long kv = c.has("num_key_value_heads") ? c.get("num_key_value_heads").asLong() : heads;
        long headDim = c.has("head_dim") ? c.get("head_dim").asLong() : d / heads;
        long mlp = c.get("intermediate_size").asLong();
        long perBlock = (d + heads * headDim) // q
                + 2 * (d + kv * headDim) // k, v
                + (heads * headDim + d) // o
                + 2 * (d + mlp) // gate, up
                + (mlp + d); // down
        return RANK * perBlock * c.get("num_hidden_layers").asLong();
    }

    /** Options that take paths get absolute ones: config paths resolve against the JVM's directory. */
    private String path(String relative) {
        return work.resolve(relative).toString();
    }

    private JsonNode evalMetrics(String outDir, String... model) throws IOException {
        // one reference for all: the base itself
        List<String> args = new ArrayList<>(List.of("eval", "--data", pairs.toString(), "--output-dir", path(outDir),
                "--reference", base.toString()));
        args.addAll(List.of(model));
        TestSupport.Result r = runs.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(work.resolve(outDir).resolve("summary.json").toFile()).get("metrics");
    }

    private List<String> completions(String output, String... model) throws IOException {
        List<String> args = new ArrayList<>(List.of("generate", "--prompt", "Praise the soup.", "--num-samples", "2",
                "--temperature", "0", "--max-new-tokens", "12", "--output", path(output)));
        args.addAll(List.of(model));
        TestSupport.Result r = runs.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(work.resolve(output))) {
            texts.add(JSON.readTree(line).get("completion").asText());
        }
        return texts;
    }
}
