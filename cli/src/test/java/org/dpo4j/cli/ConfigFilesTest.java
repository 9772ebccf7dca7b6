package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ResolvedConfig;
import org.dpo4j.cli.config.Source;
import org.dpo4j.cli.sweep.SweepFile;
import org.dpo4j.cli.sweep.SweepPlan;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file under configs/ loads and binds: files under configs/sweeps/ and files named
 * {@code *-sweep.yaml} (configs/experiments/) as sweeps, with every
 * run they expand to validated, all others as run configs; the example run equals the embedded
 * default.
 */
public class ConfigFilesTest {

    private final ConfigLoader loader = new ConfigLoader();
    private final Path configs = TestSupport.projectRoot().resolve("configs");

    private List<Path> configFiles() throws IOException {
        try (Stream<Path> s = Files.walk(configs)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyConfigFileLoads() throws IOException {
        List<Path> files = configFiles();
        assertFalse(files.isEmpty(), "no files under " + configs);
        return files.stream().map(f -> DynamicTest.dynamicTest(configs.relativize(f).toString(), () -> {
            // sweeps: configs/sweeps/ and the experiments' *-sweep.yaml (configs/experiments/)
            if (f.startsWith(configs.resolve("sweeps")) || f.getFileName().toString().endsWith("-sweep.yaml")) {
                SweepPlan plan = SweepPlan.expand(SweepFile.read(loader, f, f.toString(), configs), loader, List.of());
                assertFalse(plan.runs().isEmpty(), f.toString());
            } else {
                loader.load(f, f.toString(), List.of(), List.of());
            }
        }));
    }

    @Test
    void theSweepExamplesExpandAsTheirCommentsSay() {
        Path f = configs.resolve("sweeps/fdpo-divergences-tiny.yaml");
        SweepPlan plan = SweepPlan.expand(SweepFile.read(loader, f, f.toString(), configs), loader, List.of());
        assertEquals(12, plan.runs().size());
        assertEquals("divergence-reverse_kl_beta-0.05", plan.runs().get(0).name());
        assertEquals("divergence-alpha_beta-0.5", plan.runs().get(11).name());
    }

    @Test
    void dpoTinyYamlAndJsonAreExactlyTheEmbeddedDefaults() {
        ResolvedConfig defaults = loader.load(null, null, List.of(), List.of());
        for (String name : List.of("dpo-tiny.yaml", "dpo-tiny.json")) {
            Path f = configs.resolve(name);
            boolean json = name.endsWith(".json");
            // written out in full: the file alone, without the defaults under it, is the default run
            assertEquals(loader.defaultsTree(), loader.readFile(new Source.ConfigFile(f, name, json)), name);
            assertEquals(defaults, loader.load(f, name, List.of(), List.of()), name);
        }
    }
}
