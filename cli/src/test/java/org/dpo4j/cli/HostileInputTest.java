package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.cli.command.Trainer;
import org.dpo4j.trainer.init.RandomModelFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's cases, through the command line: each ends at once with exit code 2 and one line
 * naming the file or key and the cause, without a stack trace and without a half-made run
 * directory.
 */
public class HostileInputTest {

    @TempDir Path work;

    private final TestSupport.FakeTrainer trainer = new TestSupport.FakeTrainer();

    private TestSupport.Result fake(String... args) {
        return TestSupport.run(TestSupport.env(trainer, work), args);
    }

    private TestSupport.Result real(String... args) {
        return TestSupport.run(new CliEnvironment(Trainer.DJL, work, TestSupport.CLOCK, false), args);
    }

    /** Exit code 2 and one line starting with {@code start} and containing each of {@code parts}. */
    private static String refused(TestSupport.Result r, String start, String... parts) {
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        String line = r.err().strip();
        assertTrue(line.startsWith(start), line);
        for (String part : parts) {
            assertTrue(line.contains(part), "'" + part + "' in: " + line);
        }
        assertFalse(line.contains("Exception") || line.contains("\tat "), line);
        return line;
    }

    private List<String> workNames() throws IOException {
        try (Stream<Path> s = Files.list(work)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anEmptyOutputDirIsNotTheWorkingDirectory() throws IOException {
        Files.writeString(work.resolve("keep.txt"), "the working directory is not empty");
        refused(fake("train", "--output-dir", ""), "config error: output.dir: must not be empty;",
                "leave output.dir unset");
        refused(fake("train", "--set", "output.dir=' '"), "config error: output.dir: must not be empty;");
        assertTrue(trainer.configs.isEmpty());
    }

    /** 100 MB (a sparse file: no disk used) took minutes and 1.5 GB to parse; it is refused by its size. */
    @Test
    void aHugeConfigOrSweepFileIsRefusedBeforeParsing() throws IOException {
        Path big = work.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(100_000_000L);
        }
        String line = refused(fake("validate", "--config", "big.yaml"), "config error: big.yaml is 100000000 bytes,"
                + " over the limit of 1048576 bytes (1 MiB) for a config or sweep file");
        refused(fake("train", "--config", "big.yaml"), line);
        refused(fake("sweep", "--config", "big.yaml"), line);
        // just over the limit too; at the limit the file is read (and here is valid YAML)
        Path edge = work.resolve("edge.yaml");
        Files.writeString(edge, "#" + "x".repeat((int) (1L << 20)));
        refused(fake("validate", "--config", "edge.yaml"), "config error: edge.yaml is 1048577 bytes");
        Files.writeString(edge, "#" + "x".repeat((int) (1L << 20) - 1));
        assertEquals(0, fake("train", "--config", "edge.yaml", "--max-steps", "1", "--output-dir", "ok").code());
        assertEquals(List.of("big.yaml", "edge.yaml", "ok"), workNames(), "no run directory for the refused ones");
    }

    /** An output directory that cannot be made: the path and the cause, and nothing left behind. */
    @Test
    void anOutputDirThatCannotBeWrittenIsOneLine() throws IOException {
        Files.writeString(work.resolve("blocker"), "a file where a folder should be");
        refused(fake("train", "--output-dir", "blocker/run"), "config error: output.dir: cannot create blocker/run: ",
                "blocker");
        assertEquals(List.of("blocker"), workNames());
    }

    /**
     * A read-only (empty) output directory. Root writes into any directory whatever its mode, so
     * this case can only be seen by another user (the CI's); the check above covers a failing
     * creation everywhere.
     */
    @Test
    void aReadOnlyOutputDirIsOneLine() throws IOException {
        Path readOnly = Files.createDirectory(work.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(readOnly), "running as root: permissions are not enforced");
            refused(fake("train", "--output-dir", "ro"), "config error: output.dir: ro is not writable (permission denied)");
            Path inside = readOnly.resolve("run");
            refused(fake("train", "--output-dir", "ro/run"), "config error: output.dir: cannot create ro/run: ",
                    "permission denied");
            assertFalse(Files.exists(inside));
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /**
     * A write that fails during the run (a full disk while writing a checkpoint, a metrics file
     * that can no longer be written) is one line with the path and the cause, exit 2. The
     * trainer's own tests check that such a checkpoint leaves nothing behind.
     */
    @Test
    void aWriteFailureDuringTheRunIsOneLine() {
        String checkpoint = "cannot write checkpoint runs/x/checkpoints/step-8: No space left on device;"
                + " nothing of it was kept, the earlier checkpoints are intact";
        trainer.failure = new UncheckedIOException(checkpoint, new IOException("No space left on device"));
        assertEquals("error: " + checkpoint, refused(fake("train"), "error: cannot write checkpoint"));

        trainer.failure = new UncheckedIOException("cannot write metrics.jsonl",
                new AccessDeniedException("/runs/x/metrics.jsonl"));
        assertEquals("error: cannot write metrics.jsonl: /runs/x/metrics.jsonl: permission denied",
                refused(fake("train"), "error: "));
    }

    /** A run killed before its first checkpoint: the message does not ask for save.every, which was set. */
    @Test
    void resumingARunKilledBeforeItsFirstCheckpointSaysSo() throws IOException {
        Files.createDirectories(work.resolve("killed/checkpoints/.step-50.partial"));
        Files.writeString(work.resolve("killed/metrics.jsonl"), "");
        refused(fake("train", "--output-dir", "killed", "--set", "save.every=50", "--resume"),
                "error: ", "no complete checkpoint", "save.every is 50: the run stopped before its first checkpoint",
                "train it again without --resume");
        String never = refused(fake("train", "--output-dir", "killed", "--resume"), "error: ");
        assertTrue(never.contains("save.every is 0") && !never.contains("stopped before"), never);
    }

    /** A short real run: checkpoints at steps 2 and 4. */
    private TestSupport.Result tiny(int steps, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--output-dir", "run", "--max-steps", Integer.toString(steps),
                "--set", "train.batch_size=4", "--set", "train.log_every=2", "--set", "eval.every=0",
                "--set", "save.every=2", "--set", "data.eval_fraction=0.01"));
        args.addAll(List.of(more));
        return real(args.toArray(String[]::new));
    }

    private TestSupport.Result validateResume() {
        return real("validate", "--output-dir", "run", "--set", "train.batch_size=4",
                "--set", "train.log_every=2", "--set", "eval.every=0", "--set", "save.every=2",
                "--set", "data.eval_fraction=0.01", "--resume");
    }

    /**
     * Damage and edits of a checkpoint, each refused by {@code train --resume} and by
     * {@code validate --resume} in one line, the run directory unchanged: a flipped byte (naming
     * the file and offering the previous checkpoint), and, with the sums removed as a checkpoint
     * of an earlier dpo4j has none, an edited global_step and an edited batch index. The intact
     * checkpoint without sums resumes with a warning.
     */
    @Test
    void aDamagedOrEditedCheckpointIsRefusedAndNamesTheFile() throws IOException {
        assertEquals(0, tiny(4).code());
        Path run = work.resolve("run");
        Path step4 = run.resolve("checkpoints/step-4");
        String config = Files.readString(run.resolve("resolved-config.yaml"));
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.jsonl"));

        // validate --resume checks the files, the state and the config
        TestSupport.Result fine = validateResume();
        assertEquals(0, fine.code(), fine.err());
        assertTrue(fine.out().contains("checkpoint: run/checkpoints/step-4 (step 4): "), fine.out());
        assertTrue(fine.out().contains(" files match their SHA-256 sums"), fine.out());

        Path weights = step4.resolve("model/model.safetensors");
        byte[] original = Files.readAllBytes(weights);
        byte[] flipped = original.clone();
        flipped[flipped.length - 3] ^= 0x40;
        Files.write(weights, flipped);
        String damaged = refused(tiny(6, "--resume"), "error: " + weights + ": its SHA-256 differs from the one in"
                + " SHA256SUMS", "resume from the previous complete checkpoint instead: --resume "
                + run.resolve("checkpoints/step-2"));
        assertEquals(damaged, refused(validateResume(), "error: "));
        Files.write(weights, original);

        Path sums = step4.resolve("SHA256SUMS");
        Path stateFile = step4.resolve("trainer_state.json");
        String state = Files.readString(stateFile);
        Files.delete(sums);
        Files.writeString(stateFile, state.replace("\"global_step\" : 4", "\"global_step\" : 2"));
        refused(tiny(6, "--resume"), "error: " + stateFile + ": global_step is 2, but the checkpoint folder is step-4");
        Files.writeString(stateFile, state.replaceFirst("\"batch\" : \\d+", "\"batch\" : 999999"));
        refused(tiny(6, "--resume"), "error: " + stateFile + ": data is at epoch 0, batch 999999, but global_step 4",
                "the file was edited");
        Files.writeString(stateFile, state.replaceFirst("\"epoch\" : \\d+", "\"epoch\" : 2000000000"));
        refused(tiny(6, "--resume"), "error: " + stateFile + ": data is at epoch 2000000000");

        assertEquals(config, Files.readString(run.resolve("resolved-config.yaml")), "a refused resume changes nothing");
        assertTrue(Arrays.equals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl"))));

        Files.writeString(stateFile, state);
        TestSupport.Result unchecked = tiny(6, "--resume");
        assertEquals(0, unchecked.code(), unchecked.err());
        assertTrue(unchecked.out().contains("warning: run/checkpoints/step-4 has no SHA256SUMS (written by an earlier"
                + " dpo4j), so its files are not checked for damage"), unchecked.out());
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/step-6/SHA256SUMS")), "new checkpoints have sums");
    }

    /** Data: a lone surrogate is a bad record; the bad-record line has no stray space. */
    @Test
    void badRecordsAreNamedWithFileAndLine() throws IOException {
        String good = "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}\n";
        TestSupport.write(work, "lone.jsonl", good + "{\"prompt\": \"a\", \"chosen\": \"b\\ud800\", \"rejected\": \"c\"}\n");
        assertEquals("error: " + work.resolve("lone.jsonl") + ":2: unpaired UTF-16 surrogate \"\\ud800\" in chosen (not a"
                + " Unicode character; it has no UTF-8 encoding) (data.on_bad_record: skip skips and counts them)",
                refused(fake("validate", "--set", "data.train=lone.jsonl"), "error: "));
        TestSupport.write(work, "two.jsonl", good + "[1]\n[2]\n");
        refused(fake("validate", "--set", "data.train=two.jsonl"), "error: ",
                ":2: not a JSON object (got an array) (and 1 more bad record(s); data.on_bad_record: skip skips");
    }

    /**
     * Issue 19, item 1, end to end: a model folder whose chat template loops over range(10**9)
     * (6.5 GB and no end before the limits) makes each conversational record bad naming the limit
     * and its key, and validate ends with one line. The timeout guards against the hang itself;
     * it is no speed target.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aChatTemplateThatLoopsForeverIsStoppedByItsLimit() throws IOException {
        Path model = work.resolve("m");
        RandomModelFolder.write("llama", "tiny", model, 1);
        Path config = model.resolve("tokenizer_config.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tokenizerConfig =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(config.toFile());
        tokenizerConfig.put("chat_template",
                "{% for i in range(10**9) %}{% endfor %}{% for m in messages %}{{ m['content'] }}{% endfor %}");
        json.writeValue(config.toFile(), tokenizerConfig);
        TestSupport.write(work, "conv.jsonl", """
                {"prompt": [{"role": "user", "content": "Hi"}], \
                "chosen": [{"role": "assistant", "content": "Hello"}], \
                "rejected": [{"role": "assistant", "content": "Go"}]}
                """);
        refused(fake("validate", "--set", "model.path=m", "--set", "data.train=conv.jsonl"), "error: ",
                "conv.jsonl:1", "data.template_limits.max_range");
    }

    /** Weights whose header the safetensors library refuses are refused by validate as by train. */
    @Test
    void safetensorsTheReferenceLibraryRefusesAreRefused() throws IOException {
        RandomModelFolder.write("gpt2", "tiny", work.resolve("m"), 1);
        Path weights = work.resolve("m/model.safetensors");
        byte[] original = Files.readAllBytes(weights);
        Files.write(weights, new byte[] {0, 0, 0, 0}, StandardOpenOption.APPEND);
        refused(fake("validate", "--set", "model.path=m"), "error: " + weights + ": the data section has ",
                "4 trailing bytes belong to no tensor");

        String text = new String(original, StandardCharsets.ISO_8859_1); // one char per byte
        int dtype = text.indexOf("\"dtype\":\"F32\"");
        assertTrue(dtype > 0, "a float32 tensor in the header");
        byte[] unknown = original.clone();
        unknown[dtype + "\"dtype\":\"".length()] = 'Q';
        Files.write(weights, unknown);
        refused(fake("validate", "--set", "model.path=m"), "error: " + weights + ": tensor ",
                "has dtype \"Q32\", which is not a safetensors dtype");
    }
}
