package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.path} and {@code reference.path} through the command line with the real trainer:
 * the folders that work, and the ones refused before training with exit 2, one line, and no run
 * directory left (TrainCommand deletes a run directory that holds only resolved-config.yaml).
 */
public class RealModelReferenceTest {

    @TempDir Path work;

    private RealRuns runs;

    @BeforeEach
    void newRuns() {
        runs = new RealRuns(work);
    }

    @Test
    void theModelsOwnFolderAsReferenceIsTheDefaultReference() throws IOException {
        Path model = runs.initModel("llama", "model", 1);
        TestSupport.Result byDefault = runs.train("default", 3, "model.path=" + model);
        assertEquals(0, byDefault.code(), byDefault.err());
        TestSupport.Result named = runs.train("named", 3, "model.path=" + model, "reference.path=" + model);
        assertEquals(0, named.code(), named.err());

        // the default reference is a frozen copy of the initial policy, which is what loading the
        // same folder again gives: same seed, same pairs, same reference, so the same trained weights
        assertArrayEquals(Files.readAllBytes(work.resolve("default/final/model.safetensors")),
                Files.readAllBytes(work.resolve("named/final/model.safetensors")));
    }

    @Test
    void aReferenceWithAnotherVocabularyIsRefusedBeforeTraining() throws IOException {
        Path llama = runs.initModel("llama", "llama", 1);
        Path gpt2 = runs.initModel("gpt2", "gpt2", 1); // GPT-2 style byte-level BPE: other tokens

        TestSupport.Result r = runs.train("run", 3, "model.path=" + llama, "reference.path=" + gpt2);
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertEquals("error: reference.path: the tokenizer of " + gpt2 + " has a different vocabulary from the"
                + " policy's (" + llama + "); policy and reference must share one tokenizer", r.err().strip());
        assertFalse(r.out().contains("training "), "training never started:\n" + r.out());
        assertNoRunDirectory();
    }

    @Test
    void aMissingModelFolderIsRefusedBeforeTraining() throws IOException {
        Path missing = work.resolve("no-such-model");
        TestSupport.Result r = runs.train("run", 3, "model.path=" + missing);
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().startsWith("error: model.path: " + missing + " does not exist;"), r.err());
        assertNoRunDirectory();
    }

    @Test
    void aModelPathNamingAFileIsRefusedBeforeTraining() throws IOException {
        Path file = runs.initModel("llama", "model", 1).resolve("config.json");
        TestSupport.Result r = runs.train("run", 3, "model.path=" + file);
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertEquals("error: model.path: " + file + " is a file; expected a Hugging Face model folder", r.err().strip());
        assertNoRunDirectory();
    }

    @Test
    void aReferenceFolderNeedsAModelFolder() throws IOException {
        Path model = runs.initModel("llama", "model", 1);
        // the preset policy tokenizes bytes; no Hugging Face folder shares that vocabulary
        TestSupport.Result r = runs.train("run", 3, "reference.path=" + model);
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().startsWith("error: reference.path: " + model + " needs model.path too"), r.err());
        assertNoRunDirectory();
    }

    private void assertNoRunDirectory() throws IOException {
        assertFalse(Files.exists(work.resolve("run")), "a run that never started leaves no run directory");
        assertEquals(List.of(), RealRuns.leftovers(work));
    }
}
