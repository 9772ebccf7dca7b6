package org.dpo4j.cli.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The example configs shipped inside the CLI jar: the build copies the repository's
 * {@code configs/} folder into the jar under {@value #ROOT}/ (see cli/pom.xml), so that
 * {@code dpo4j configs} works wherever the jar runs. Read from the jar, or from the classes
 * folder when run from a build tree.
 */
public final class BundledConfigs {

    /** The resource folder holding the copy of {@code configs/}. */
    static final String ROOT = "dpo4j-configs";

    /**
     * One bundled config.
     *
     * @param name        its path under {@code configs/}, with {@code /}, e.g. {@code losses/simpo.yaml}
     * @param description its first comment line, or "" when it has none (JSON)
     * @param text        its content
     */
    public record Entry(String name, String description, String text) {}

    private BundledConfigs() {}

    /** Every bundled config, sorted by name. */
    public static List<Entry> all() {
        Path location;
        try {
            location = Path.of(BundledConfigs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the dpo4j classes", e);
        }
        try {
            if (Files.isDirectory(location)) {
                return read(location.resolve(ROOT));
            }
            try (FileSystem jar = FileSystems.newFileSystem(location, (ClassLoader) null)) {
                return read(jar.getPath("/" + ROOT));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled configs from " + location, e);
        }
    }

    /**
     * The config called {@code name}: its path under {@code configs/}, with or without the
     * {@code configs/} prefix and the extension ({@code tdpo2-tiny}, {@code losses/simpo.yaml}).
     */
    public static Optional<Entry> find(List<Entry> all, String name) {
        String n = name.replace('\\', '/');
        n = n.startsWith("configs/") ? n.substring("configs/".length()) : n;
        for (Entry e : all) {
            if (e.name().equals(n)) {
                return Optional.of(e);
            }
        }
        for (Entry e : all) {
            if (stripExtension(e.name()).equals(n) && e.name().endsWith(".yaml")) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    private static List<Entry> read(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("no bundled configs at " + root + " (the build copies configs/ there)");
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                out.add(new Entry(name, description(text), text));
            }
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return List.copyOf(out);
    }

    /** The first comment line's text, or "". */
    static String description(String text) {
        for (String line : text.split("\n", -1)) {
            String l = line.strip();
            if (l.startsWith("#")) {
                String d = l.substring(1).strip();
                if (!d.isEmpty()) {
                    return d;
                }
            } else if (!l.isEmpty()) {
                return "";
            }
        }
        return "";
    }
}
