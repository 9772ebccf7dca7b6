package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.trainer.run.DpoTrainer;

/**
 * Runs the command line in-process with the real trainer, for tests that init and train
 * Hugging Face model folders end to end.
 *
 * <p>{@code model.path} and {@code reference.path} resolve against the process's working
 * directory, not {@link CliEnvironment#workDir()}, so these helpers pass them as absolute paths.
 */
public final class RealRuns {

    private final Path work;
    private final CliEnvironment env;

    RealRuns(Path work) {
        this.work = work;
        this.env = new CliEnvironment(DpoTrainer::train, work, TestSupport.CLOCK, false);
    }

    TestSupport.Result run(String... args) {
        return TestSupport.run(env, args);
    }

    /** {@code init-model --arch ARCH --out NAME --seed SEED}, which must succeed; the folder. */
    Path initModel(String arch, String name, long seed) {
        TestSupport.Result r = run("init-model", "--arch", arch, "--out", name, "--seed", Long.toString(seed));
        assertEquals(0, r.code(), r.err());
        return work.resolve(name);
    }

    /**
     * A short real run into {@code runDir}: {@code steps} optimizer steps, no periodic
     * evaluation, plus {@code sets} as {@code --set} values.
     */
    TestSupport.Result train(String runDir, int steps, String... sets) {
        List<String> args = new ArrayList<>(List.of(
                "train", "--max-steps", Integer.toString(steps), "--set", "eval.every=0", "--output-dir", runDir));
        Arrays.stream(sets).forEach(s -> {
            args.add("--set");
            args.add(s);
        });
        return run(args.toArray(String[]::new));
    }

    /** Every path under {@code dir} whose name marks an unfinished write (staging folders, temp files). */
    static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".partial") || n.contains(".tmp"))
                    .toList();
        }
    }
}
