package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ResolvedConfig;
import org.dpo4j.losses.Divergence;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.PreferenceLossClasses;
import org.dpo4j.trainer.config.LossConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loss family's contract: every loss type and every divergence is registered, appears in
 * at least one file under configs/, builds a loss, and survives a config round trip.
 */
public class LossContractTest {

    private static final ConfigLoader LOADER = new ConfigLoader();
    private static List<ResolvedConfig> configs;

    @TempDir Path tmp;

    @BeforeAll
    static void loadEveryConfigFile() throws IOException {
        Path root = TestSupport.projectRoot().resolve("configs");
        try (Stream<Path> files = Files.walk(root)) {
            // sweep files are not run configs (ConfigFilesTest validates the runs they expand to)
            configs = files.filter(Files::isRegularFile).filter(f -> !f.startsWith(root.resolve("sweeps")))
                    .filter(f -> !f.getFileName().toString().endsWith("-sweep.yaml")).sorted()
                    .map(f -> LOADER.load(f, f.toString(), List.of(), List.of()))
                    .toList();
        }
        assertFalse(configs.isEmpty());
    }

    @Test
    void everyLossTypeAppearsInAConfigFile() {
        Set<String> used = new HashSet<>();
        configs.forEach(c -> used.add(c.config().loss().type()));
        // dpo4j's names; TRL's aliases (sigmoid, aot_unpaired) write back as these
        for (String type : Arrays.stream(LossConfig.class.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::name).toList()) {
            assertTrue(used.contains(type), "no file under configs/ uses loss.type " + type);
        }
    }

    @Test
    void everyDivergenceAppearsInAConfigFile() {
        Set<String> used = new HashSet<>();
        configs.forEach(c -> {
            if (c.config().loss() instanceof LossConfig.FDpo f) {
                used.add(f.divergence().configName());
            }
        });
        for (String name : Divergence.NAMES) {
            assertTrue(used.contains(name), "no file under configs/ uses loss.divergence " + name);
        }
    }

    @Test
    void everyLossClassIsBuiltFromSomeConfig() {
        Set<Class<?>> built = new HashSet<>();
        for (ResolvedConfig c : configs) {
            addWithInner(c.config().loss().create(), built);
        }
        for (Class<?> permitted : PreferenceLossClasses.all()) {
            assertTrue(built.contains(permitted), permitted.getSimpleName() + " is built by no config under configs/");
        }
    }

    /** A loss's class and those of the losses it wraps or combines. */
    private static void addWithInner(PreferenceLoss loss, Set<Class<?>> built) {
        built.add(loss.getClass());
        loss.inner().forEach(inner -> addWithInner(inner, built));
    }

    @Test
    void everyConfigSurvivesARoundTrip() throws IOException {
        for (ResolvedConfig c : configs) {
            Path saved = tmp.resolve("resolved.yaml");
            Files.writeString(saved, c.yaml());
            assertEquals(c.config(), LOADER.load(saved, "resolved.yaml", List.of(), List.of()).config(), c.yaml());
        }
    }
}
