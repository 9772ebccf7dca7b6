package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.trainer.smoke.SmokeRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --smoke}: a real config's architecture and tokenizer shrunk to a random model,
 * a few dozen steps on its first pairs; exit 0 when the loss falls, 1 when it does not, 2 when
 * something the config names fails to load.
 */
public class SmokeCommandTest {

    @TempDir Path work;
    private RealRuns runs;

    @BeforeEach
    void setUp() {
        runs = new RealRuns(work);
    }

    @Test
    void theEmbeddedDefaultPassesAndLeavesNoFilesBehind() throws IOException {
        TestSupport.Result r = runs.run("train", "--smoke");
        assertEquals(ExitCodes.OK, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("smoke: llama preset tiny"), r.out());
        assertTrue(r.out().contains("smoke: 30 steps on the first 64 training pairs"), r.out());
        assertTrue(r.out().contains("smoke: passed"), r.out());
        assertFalse(Files.exists(work.resolve("runs")), "the smoke run wrote into runs/");
    }

    @Test
    void aModelFolderIsShrunkWithItsOwnTokenizer() throws IOException {
        Path model = runs.initModel("qwen2", "qwen", 7);
        TestSupport.Result r = runs.run("train", "--smoke", "--set", "model.path=" + model, "--output-dir", "smoke");
        assertEquals(ExitCodes.OK, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("smoke: qwen2 (2 layers, d 64, V 512) with the tokenizer of " + model), r.out());

        Path shrunk = work.resolve("smoke").resolve(SmokeRun.MODEL_FOLDER);
        JsonNode config = new ObjectMapper().readTree(shrunk.resolve("config.json").toFile());
        assertEquals(64, config.get("hidden_size").asInt());
        assertEquals(2, config.get("num_hidden_layers").asInt());
        assertEquals(2, config.get("num_key_value_heads").asInt(), "grouped-query attention is kept");
        assertTrue(config.get("tie_word_embeddings").asBoolean(), "the tiny qwen2 preset ties its head");
        assertArrayEquals(Files.readAllBytes(model.resolve("tokenizer.json")), Files.readAllBytes(shrunk.resolve("tokenizer.json")));
        assertTrue(Files.isDirectory(work.resolve("smoke/final")));
    }

    /**
     * Chosen and rejected that differ only after {@code data.max_length} (the byte tokenizer: one
     * token per byte) are the same tokens once truncated, so DPO's margin is 0 for any weights and
     * the loss stays ln 2 = 0.6931: a real pitfall the smoke run catches.
     */
    @Test
    void aLossThatCannotFallFailsWithExitCode1() throws IOException {
        String common = " the same long answer".repeat(10);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add("{\"prompt\": \"question " + i + "\", \"chosen\": \"" + common + " A\", \"rejected\": \"" + common + " B\"}");
        }
        Path data = Files.write(work.resolve("tie.jsonl"), lines);
        TestSupport.Result r = runs.run("train", "--smoke", "--set", "data.train=" + data);
        assertEquals(ExitCodes.RUN_FAILED, r.code(), r.err() + r.out());
        assertTrue(r.err().contains("smoke: failed: the training loss did not fall (0.6931 -> 0.6931)"), r.err());
    }

    @Test
    void weightsThatDoNotFitTheConfigFailWithExitCode2BeforeTraining() throws IOException {
        Path model = runs.initModel("llama", "llama", 7);
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(model.resolve("config.json").toFile());
        config.put("intermediate_size", 999);
        Files.writeString(model.resolve("config.json"), config.toString());

        TestSupport.Result r = runs.run("train", "--smoke", "--set", "model.path=" + model, "--output-dir", "smoke");
        assertEquals(ExitCodes.USER_ERROR, r.code(), r.err() + r.out());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("model.layers.0.mlp.gate_proj.weight"), r.err());
        assertFalse(Files.exists(work.resolve("smoke/final")));
    }
}
