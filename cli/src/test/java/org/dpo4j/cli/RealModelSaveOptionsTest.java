package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dpo4j.cli.command.InitModelCommandTest;
import org.dpo4j.trainer.checkpoint.SafetensorsFile;
import org.dpo4j.trainer.checkpoint.SaveDtype;
import org.dpo4j.trainer.checkpoint.TensorEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code output.save_dtype} and {@code output.max_shard_size} through the command line with the
 * real trainer: what {@code final/} holds for each, and bad values refused before anything runs.
 */
public class RealModelSaveOptionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path work;

    private RealRuns runs;

    @BeforeEach
    void newRuns() {
        runs = new RealRuns(work);
    }

    @Test
    void bf16HalvesTheDataAndRoundsTheTrainedWeights() throws IOException {
        Path model = runs.initModel("qwen2", "model", 1);
        assertEquals(0, runs.train("f32", 3, "model.path=" + model).code());
        TestSupport.Result r = runs.train("bf16", 3, "model.path=" + model, "output.save_dtype=bf16");
        assertEquals(0, r.code(), r.err());

        Path f32File = work.resolve("f32/final/model.safetensors");
        Path bf16File = work.resolve("bf16/final/model.safetensors");
        try (SafetensorsFile f32 = SafetensorsFile.open(f32File); SafetensorsFile bf16 = SafetensorsFile.open(bf16File)) {
            assertEquals(f32.entries().keySet(), bf16.entries().keySet());
            long f32Data = 0;
            long bf16Data = 0;
            for (TensorEntry e : bf16.entries().values()) {
                assertEquals("BF16", e.dtype(), e.name());
                assertEquals(f32.entry(e.name()).shape(), e.shape(), e.name());
                assertEquals("F32", f32.entry(e.name()).dtype(), e.name());
                f32Data += f32.entry(e.name()).byteCount();
                bf16Data += e.byteCount();
            }
            assertEquals(f32Data, 2 * bf16Data, "two bytes per weight instead of four");
            // the headers are a few hundred bytes against ~100 KB of data each: the file is about half
            double ratio = (double) Files.size(bf16File) / Files.size(f32File);
            assertTrue(ratio > 0.49 && ratio < 0.52, "bf16/f32 file size " + ratio);

            // same seed, same pairs: the same trained weights, stored rounded to nearest even
            for (String name : bf16.entries().keySet()) {
                float[] exact = f32.readFloats(name);
                float[] stored = bf16.readFloats(name);
                for (int i = 0; i < exact.length; i++) {
                    if (Float.floatToIntBits(SaveDtype.BF16.rounded(exact[i])) != Float.floatToIntBits(stored[i])) {
                        throw new AssertionError(name + "[" + i + "]: " + stored[i] + " is not bf16(" + exact[i] + ")");
                    }
                }
            }
        }
        JsonNode config = JSON.readTree(work.resolve("bf16/final/config.json").toFile());
        assertEquals("bfloat16", config.get("torch_dtype").asText());
        assertEquals("qwen2", config.get("model_type").asText());
    }

    @Test
    void aSmallShardSizeShardsFinalWithAnIndexThatLoadsBack() throws IOException {
        long maxShard = 100_000; // 100KB: the 512 x 128 f32 embedding (262,144 bytes) alone exceeds it
        Path model = runs.initModel("llama", "model", 1);
        TestSupport.Result r = runs.train("run", 3, "model.path=" + model, "output.max_shard_size=100KB");
        assertEquals(0, r.code(), r.err());

        Path fin = work.resolve("run/final");
        List<String> files = InitModelCommandTest.names(fin);
        assertFalse(files.contains("model.safetensors"), "no unsharded file beside the shards: " + files);
        List<String> shards = files.stream().filter(f -> f.matches("model-\\d{5}-of-\\d{5}\\.safetensors")).toList();
        assertTrue(shards.size() >= 2, "several shards: " + files);
        for (int i = 0; i < shards.size(); i++) {
            assertEquals(String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size()), shards.get(i));
        }
        List<String> expected = new ArrayList<>(shards);
        expected.addAll(List.of("config.json", "model.safetensors.index.json", "special_tokens_map.json",
                "tokenizer.json", "tokenizer_config.json"));
        assertEquals(expected.stream().sorted().toList(), files);

        // the index names each tensor's shard and the data total, as the shard headers do
        JsonNode index = JSON.readTree(fin.resolve("model.safetensors.index.json").toFile());
        Map<String, String> weightMap = new TreeMap<>();
        index.get("weight_map").fields().forEachRemaining(e -> weightMap.put(e.getKey(), e.getValue().asText()));
        Map<String, String> inHeaders = new TreeMap<>();
        long total = 0;
        for (String shard : shards) {
            try (SafetensorsFile f = SafetensorsFile.open(fin.resolve(shard))) {
                long data = 0;
                for (TensorEntry e : f.entries().values()) {
                    inHeaders.put(e.name(), shard);
                    data += e.byteCount();
                }
                assertTrue(data <= maxShard || f.entries().size() == 1,
                        shard + " holds " + data + " bytes in " + f.entries().size() + " tensors");
                total += data;
            }
        }
        assertEquals(inHeaders, weightMap);
        assertEquals(total, index.get("metadata").get("total_size").asLong());
        try (SafetensorsFile source = SafetensorsFile.open(model.resolve("model.safetensors"))) {
            Map<String, Long> sourceBytes = new HashMap<>();
            source.entries().values().forEach(e -> sourceBytes.put(e.name(), e.byteCount()));
            assertEquals(sourceBytes.keySet(), weightMap.keySet(), "every tensor saved, once");
            assertEquals(sourceBytes.values().stream().mapToLong(Long::longValue).sum(), total);
        }

        TestSupport.Result again = runs.train("again", 1, "model.path=" + fin);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("training llama from " + fin), again.out());
    }

    @Test
    void badSaveValuesAreConfigErrorsNamingTheKey() throws IOException {
        Path model = runs.initModel("llama", "model", 1);
        Map<String, String> before = InitModelCommandTest.snapshot(work);

        TestSupport.Result r = runs.train("run", 3, "model.path=" + model, "output.save_dtype=f64");
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertEquals("config error: output.save_dtype: must be one of f32, bf16, f16, got 'f64'"
                + " (from --set output.save_dtype=f64)", r.err().strip());

        r = runs.train("run", 3, "model.path=" + model, "output.max_shard_size=lots");
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().startsWith("config error: output.max_shard_size: must be an integer number of bytes"), r.err());
        assertTrue(r.err().strip().endsWith("got 'lots' (from --set output.max_shard_size=lots)"), r.err());

        assertEquals(before, InitModelCommandTest.snapshot(work), "no run directory, the model untouched");
    }
}
