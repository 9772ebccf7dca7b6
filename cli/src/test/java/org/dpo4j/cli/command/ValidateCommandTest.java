package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.trainer.init.RandomModelFolder;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpo4j validate}: checks files and data as training would, prints counts and memory, trains nothing. */
public class ValidateCommandTest {

    @TempDir
    Path work;

    private final TestSupport.FakeTrainer trainer = new TestSupport.FakeTrainer();

    private TestSupport.Result run(String... args) {
        return TestSupport.run(TestSupport.env(trainer, work), args);
    }

    private List<Path> workFiles() throws IOException {
        try (Stream<Path> s = Files.walk(work)) {
            return s.filter(p -> !p.equals(work)).sorted().toList();
        }
    }

    @Test
    void defaultRunValidatesAndWritesNothing() throws IOException {
        TestSupport.Result r = run("validate");
        assertEquals(0, r.code(), r.err());
        ModelArchitecture tiny;
        try (ByteTokenizer bytes = new ByteTokenizer()) {
            tiny = ModelPresets.of("llama", "tiny", bytes.vocabSize());
        }
        String count = String.format(Locale.ROOT, "%,d parameters", tiny.parameterCount());
        assertTrue(r.out().startsWith("# resolved config\nmodel:\n"), r.out());
        assertTrue(r.out().contains("policy: llama preset tiny (llama: 2 layers, hidden 128, vocab_size 259): " + count), r.out());
        assertTrue(r.out().contains("reference: a frozen copy of the initial policy (llama: 2 layers, hidden 128,"
                + " vocab_size 259): " + count + "; run on every batch"), r.out());
        assertTrue(r.out().contains("data: 1795 training pairs, 205 held-out pairs"), r.out());
        for (String part : List.of("policy weights", "reference weights", "gradients", "AdamW state (2 moments)",
                "activations, policy", "JVM and libtorch", "total")) {
            assertTrue(r.out().contains("\n  " + part + " "), part + " in\n" + r.out());
        }
        assertTrue(r.out().contains("config is valid; nothing was trained"));
        assertTrue(trainer.configs.isEmpty());
        assertEquals(List.of(), workFiles(), "validate writes no run directory");
    }

    @Test
    void precomputedOrUnusedReferenceIsReported() {
        TestSupport.Result r = run("validate", "--set", "reference.precompute=true");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("its log-probs are precomputed and cached, then its weights freed"), r.out());
        assertTrue(r.out().contains("\n  reference log-prob cache "), r.out());
        r = run("validate", "--set", "loss.type=simpo");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reference: none (loss simpo is reference-free"), r.out());
    }

    @Test
    void modelFolderAndDataResolveAgainstTheWorkingDirectoryAndAreChecked() throws IOException {
        RandomModelFolder.Written written = RandomModelFolder.write("gpt2", "tiny", work.resolve("m"), 1);
        TestSupport.write(work, "pairs.jsonl", Files.readString(TestSupport.projectRoot().resolve("examples/soup.jsonl")));
        // relative paths mean the command's working directory (here a temporary folder, not the JVM's)
        TestSupport.Result r = run("validate", "--set", "model.path=m", "--set", "data.train=pairs.jsonl",
                "--set", "data.eval=pairs.jsonl");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  path: m\n"), "the printed config keeps the path as written:\n" + r.out());
        assertTrue(r.out().contains(String.format(Locale.ROOT, "(gpt2: 2 layers, hidden 128, vocab_size %d): %,d parameters",
                written.architecture().vocabSize(), written.architecture().parameterCount())), r.out());

        // a bad record: file and line, exit 2, one line
        TestSupport.write(work, "bad.jsonl", "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}\n{\"prompt\": 1}\n");
        r = run("validate", "--set", "data.train=bad.jsonl");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("bad.jsonl:2"), r.err());

        // a truncated weights file is found from its header alone
        Path weights = work.resolve("m/model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        r = run("validate", "--set", "model.path=m");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("model.safetensors"), r.err());
    }

    @Test
    void configErrorsExit2WithOneLine() {
        TestSupport.Result r = run("validate", "--set", "loss.bta=1");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().startsWith("config error: unknown key loss.bta; did you mean loss.beta?"), r.err());
        r = run("validate", "--set", "model.path=missing");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("model.path: "), r.err());
    }
}
