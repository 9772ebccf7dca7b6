package org.dpo4j.trainer.checkpoint;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Folder operations for writing model folders through a staging folder. */
public final class Folders {

    /** Name of the staging folder inside an existing target; see {@link #staging}. */
    static final String INNER_STAGING = ".partial";

    private Folders() {}

    /**
     * The hidden folder a model is assembled in before {@link #publish}: for a new folder, the
     * sibling {@code .NAME.partial}, renamed to {@code NAME} at the end; for an existing (empty)
     * folder, {@code NAME/.partial}, whose files are renamed into it. The existing folder itself
     * is never replaced: it may be the working directory ({@code --out .}), a mount point, or
     * have permissions of its own, and the renames stay on its file system.
     */
    public static Path staging(Path target) {
        Path t = target.toAbsolutePath().normalize();
        return Files.isDirectory(t) ? t.resolve(INNER_STAGING) : t.resolveSibling("." + t.getFileName() + ".partial");
    }

    /**
     * Publishes a complete staging folder made by {@link #staging}: renames it to {@code target},
     * or, when it lies inside an existing {@code target}, renames its files into {@code target}
     * ({@code config.json} last, so that a folder with a config.json is complete) and removes it.
     */
    public static void publish(Path staging, Path target) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        if (t.equals(staging.getParent())) {
            List<Path> files;
            try (Stream<Path> s = Files.list(staging)) {
                files = s.sorted(Comparator.comparing((Path p) -> p.getFileName().toString().equals("config.json"))
                        .thenComparing(Path::getFileName)).toList();
            }
            for (Path file : files) {
                move(file, t.resolve(file.getFileName()));
            }
            Files.delete(staging);
            return;
        }
        move(staging, t);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes {@code dir} and everything in it; nothing when it does not exist. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
