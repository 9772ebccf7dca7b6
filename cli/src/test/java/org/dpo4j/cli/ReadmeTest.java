package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the README true: every config path it names exists and resolves. */
public class ReadmeTest {

    private static final Pattern CONFIG_PATH = Pattern.compile("configs/[\\w./-]+\\.(?:ya?ml|json)");

    @TempDir Path workDir;

    @Test
    void everyConfigTheReadmeNamesResolves() throws Exception {
        Path root = TestSupport.projectRoot();
        String readme = Files.readString(root.resolve("README.md"));
        Set<String> paths = new LinkedHashSet<>();
        Matcher m = CONFIG_PATH.matcher(readme);
        while (m.find()) {
            paths.add(m.group());
        }
        assertFalse(paths.isEmpty(), "the README names no config");
        TestSupport.FakeTrainer trainer = new TestSupport.FakeTrainer();
        for (String path : paths) {
            assertTrue(Files.isRegularFile(root.resolve(path)), "README names a missing file: " + path);
            String out = workDir.resolve(path.replace('/', '_')).toString();
            // a sweep runs in-process with the trainer double (see Cli.sweepRunner)
            TestSupport.Result r = path.startsWith("configs/sweeps/") || path.endsWith("-sweep.yaml")
                    ? TestSupport.run(TestSupport.env(trainer, root), "sweep",
                            "--config", path, "--set", "train.max_steps=1", "--output-dir", out)
                    : TestSupport.run(TestSupport.env(trainer, root), "train",
                            "--config", path, "--max-steps", "1", "--output-dir", out);
            assertEquals(0, r.code(), path + ": " + r.err());
        }
    }

    @Test
    void quickStartHasTheTwoCommands() throws Exception {
        String readme = Files.readString(TestSupport.projectRoot().resolve("README.md"));
        assertTrue(readme.contains("./dpo4j train"));
        assertTrue(readme.contains("mvn -B verify"));
    }
}
