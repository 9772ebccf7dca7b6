package org.dpo4j.trainer.checkpoint;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder operations for writing model folders through a staging folder. */
final class Folders {

    private Folders() {}

    /** The hidden sibling a folder is assembled in before {@link #publish}: {@code .NAME.partial}. */
    static Path staging(Path target) {
        return target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".partial");
    }

    /** Renames a complete staging folder to {@code target}, replacing an empty {@code target} folder. */
    static void publish(Path staging, Path target) throws IOException {
        Files.deleteIfExists(target);
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        }
    }

    /** Deletes {@code dir} and everything in it; nothing when it does not exist. */
    static void deleteRecursively(Path dir) throws IOException {
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
