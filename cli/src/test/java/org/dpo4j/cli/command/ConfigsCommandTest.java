package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.cli.config.BundledConfigs;
import org.dpo4j.cli.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpo4j configs}: the jar's copy of configs/ is the repository's, listed and printed. */
public class ConfigsCommandTest {

    @TempDir
    Path work;

    private TestSupport.Result run(String... args) {
        return TestSupport.run(TestSupport.env(new TestSupport.FakeTrainer(), work), args);
    }

    @Test
    void bundledConfigsAreExactlyTheRepositorysConfigsFolder() throws IOException {
        Path configs = TestSupport.projectRoot().resolve("configs");
        List<String> files;
        try (Stream<Path> s = Files.walk(configs)) {
            files = s.filter(Files::isRegularFile).map(f -> configs.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
        List<BundledConfigs.Entry> bundled = BundledConfigs.all();
        assertEquals(files, bundled.stream().map(BundledConfigs.Entry::name).toList());
        for (BundledConfigs.Entry e : bundled) {
            assertEquals(Files.readString(configs.resolve(e.name())), e.text(), e.name());
        }
    }

    @Test
    void listsEveryConfigWithItsFirstCommentLine() {
        TestSupport.Result r = run("configs");
        assertEquals(0, r.code(), r.err());
        for (BundledConfigs.Entry e : BundledConfigs.all()) {
            assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith(e.name())), e.name() + " in\n" + r.out());
        }
        assertTrue(r.out().contains("losses/simpo.yaml"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("losses/hinge.yaml")
                && l.endsWith("Hinge loss on the DPO margin (SLiC, Zhao et al. 2023).")), r.out());
    }

    @Test
    void printsOneByNameWithOrWithoutPrefixAndExtension() throws IOException {
        String expected = Files.readString(TestSupport.projectRoot().resolve("configs/tdpo2-tiny.yaml"));
        for (String name : List.of("tdpo2-tiny.yaml", "tdpo2-tiny", "configs/tdpo2-tiny.yaml")) {
            TestSupport.Result r = run("configs", name);
            assertEquals(0, r.code(), r.err());
            assertEquals(expected, r.out(), name);
        }
        // a printed config loads as the file does
        Path copy = TestSupport.write(work, "run.yaml", run("configs", "losses/simpo").out());
        ConfigLoader loader = new ConfigLoader();
        assertEquals(loader.load(TestSupport.projectRoot().resolve("configs/losses/simpo.yaml"), "a", List.of(), List.of()),
                loader.load(copy, "a", List.of(), List.of()));
    }

    @Test
    void unknownNameExits2WithTheClosestName() {
        TestSupport.Result r = run("configs", "tdpo2");
        assertEquals(2, r.code());
        TestSupport.assertOneLine(r.err());
        assertEquals("config error: no bundled config 'tdpo2'; did you mean tdpo2-tiny? ('dpo4j configs' lists them)",
                r.err().strip());
    }
}
