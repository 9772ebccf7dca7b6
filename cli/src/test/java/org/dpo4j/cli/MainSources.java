package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The main source files of every module, read from the cli module's directory, for rule tests. */
final class MainSources {

    static final List<String> MODULES = List.of("losses", "trainer", "cli");

    private MainSources() {}

    /** Each main source file of every module, by path, with its text. */
    static Map<Path, String> read() {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        Map<Path, String> texts = new TreeMap<>();
        for (String module : MODULES) {
            Path sources = root.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(sources), "no sources at " + sources);
            try (Stream<Path> walk = Files.walk(sources)) {
                for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    texts.put(root.relativize(file), Files.readString(file, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return texts;
    }
}
