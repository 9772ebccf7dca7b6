package org.dpo4j.losses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Every concrete {@link PreferenceLoss} class of this module, found by listing the classes beside
 * {@code PreferenceLoss} itself (a directory of classes or the module's jar). {@code PreferenceLoss}
 * is an open interface, so that adding a loss touches only its class, its config record and an
 * example; the contract tests use this list to fail when a loss lacks one of them.
 */
public final class PreferenceLossClasses {

    private static final String PACKAGE = PreferenceLoss.class.getPackageName();

    private PreferenceLossClasses() {}

    /** The concrete loss classes, by name. */
    public static List<Class<?>> all() {
        List<Class<?>> losses = new ArrayList<>();
        for (String name : classNames()) {
            Class<?> c = load(name);
            if (PreferenceLoss.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
                losses.add(c);
            }
        }
        losses.sort(Comparator.comparing(Class::getName));
        if (losses.isEmpty()) {
            throw new IllegalStateException("no PreferenceLoss class found beside " + PreferenceLoss.class);
        }
        return losses;
    }

    /** Binary names of the top-level and nested classes in this module's package. */
    private static List<String> classNames() {
        Path location;
        try {
            location = Path.of(PreferenceLoss.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String folder = PACKAGE.replace('.', '/') + "/";
        List<String> entries = new ArrayList<>();
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location.resolve(folder))) {
                    files.forEach(f -> entries.add(folder + f.getFileName()));
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    jar.stream().forEach(e -> entries.add(e.getName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries.stream()
                .filter(e -> e.startsWith(folder) && e.endsWith(".class") && e.indexOf('/', folder.length()) < 0)
                .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
                .toList();
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, PreferenceLoss.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
