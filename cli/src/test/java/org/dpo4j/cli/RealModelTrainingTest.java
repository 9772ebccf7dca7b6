package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dpo4j.cli.command.InitModelCommandTest;
import org.dpo4j.trainer.checkpoint.SafetensorsFile;
import org.dpo4j.trainer.checkpoint.TensorEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Hugging Face round trip through the command line with the real trainer: init-model writes
 * a folder, train loads it and saves {@code final/} as a folder of the same kind, and that
 * folder trains again. The built-in preset joins the same round trip through its {@code final/}.
 */
public class RealModelTrainingTest {

    @TempDir Path work;

    private RealRuns runs;

    @BeforeEach
    void newRuns() {
        runs = new RealRuns(work);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "gpt2", "qwen3", "gemma3_text"})
    void anInitModelFolderTrainsAndItsFinalFolderTrainsAgain(String arch) throws IOException {
        Path model = runs.initModel(arch, "model", 1);

        TestSupport.Result r = runs.train("run", 3, "model.path=" + model);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("training " + arch + " from " + model + " for 3 steps"), r.out());
        assertTrue(r.out().contains("trained model (a Hugging Face folder): run/final"), r.out());

        Path run = work.resolve("run");
        Path fin = run.resolve("final");
        assertEquals(List.of("eval", "final", "metrics.jsonl", "plots", "resolved-config.yaml"), InitModelCommandTest.names(run));
        assertEquals(List.of("step-3.jsonl"), InitModelCommandTest.names(run.resolve("eval")), "the final evaluation's pairs");
        // same files as the source: no generation_config.json to copy, f32 under 2GB is one file
        assertEquals(InitModelCommandTest.MODEL_FILES, InitModelCommandTest.names(fin));
        assertEquals(List.of(), RealRuns.leftovers(work), "no staging folder or temp file left anywhere");
        for (String tokenizerFile : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            assertArrayEquals(Files.readAllBytes(model.resolve(tokenizerFile)), Files.readAllBytes(fin.resolve(tokenizerFile)),
                    tokenizerFile + " is the source's, copied as is");
        }
        // a loaded model keeps its own config.json; only torch_dtype follows output.save_dtype
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(model.resolve("config.json").toFile()), json.readTree(fin.resolve("config.json").toFile()));

        try (SafetensorsFile before = SafetensorsFile.open(model.resolve("model.safetensors"));
                SafetensorsFile after = SafetensorsFile.open(fin.resolve("model.safetensors"))) {
            assertEquals(shapes(before), shapes(after), "the same tensors, names and shapes");
            boolean changed = before.entries().keySet().stream()
                    .anyMatch(name -> !Arrays.equals(before.readFloats(name), after.readFloats(name)));
            assertTrue(changed, "three steps moved the weights, so final/ holds the trained policy, not the initial one");
        }

        TestSupport.Result again = runs.train("again", 1, "model.path=" + fin);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("training " + arch + " from " + fin), again.out());
        assertTrue(Files.isRegularFile(work.resolve("again/final/model.safetensors")));
    }

    @Test
    void theSourcesGenerationConfigGoesIntoFinal() throws IOException {
        // generation settings are not the trainer's to know: final/ keeps the downloaded model's
        Path model = runs.initModel("llama", "model", 1);
        TestSupport.write(model, "generation_config.json", "{\"do_sample\": true, \"temperature\": 0.6}\n");
        assertEquals(0, runs.train("run", 1, "model.path=" + model).code());
        assertArrayEquals(Files.readAllBytes(model.resolve("generation_config.json")),
                Files.readAllBytes(work.resolve("run/final/generation_config.json")));
    }

    @Test
    void aPresetRunSavesAHuggingFaceFolderThatTrainsAgain() throws IOException {
        TestSupport.Result r = runs.run("train", "--max-steps", "2", "--set", "eval.every=0", "--output-dir", "run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("training llama preset tiny for 2 steps"), r.out());

        Path fin = work.resolve("run/final");
        // the byte tokenizer of the presets goes out as Hugging Face tokenizer files
        assertEquals(InitModelCommandTest.MODEL_FILES, InitModelCommandTest.names(fin));
        JsonNode config = new ObjectMapper().readTree(fin.resolve("config.json").toFile());
        assertEquals("llama", config.get("model_type").asText());
        assertEquals("float32", config.get("torch_dtype").asText());

        TestSupport.Result again = runs.train("again", 1, "model.path=" + fin);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("training llama from " + fin), again.out());
        assertEquals(List.of(), RealRuns.leftovers(work));
    }

    private static Map<String, String> shapes(SafetensorsFile file) {
        Map<String, String> shapes = new TreeMap<>();
        for (TensorEntry e : file.entries().values()) {
            shapes.put(e.name(), e.dtype() + TensorEntry.format(e.shape()));
        }
        return shapes;
    }
}
