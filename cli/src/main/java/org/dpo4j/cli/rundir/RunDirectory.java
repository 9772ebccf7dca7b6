package org.dpo4j.cli.rundir;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.trainer.common.IoErrors;

/**
 * The directory a run writes into: {@code output.dir}, or {@code runs/yyyyMMdd-HHmmss} under the
 * working directory.
 *
 * @param path    the directory
 * @param display the directory as the user would name it (relative when they gave it so)
 */
public record RunDirectory(Path path, String display) {

    /** The run's resolved config, as {@code train} saved it. */
    public static final String RESOLVED_CONFIG = "resolved-config.yaml";

    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * Creates the run directory. A given {@code outputDir} may exist only as an empty directory
     * (a run never writes over another, except when resuming it: {@link #existing}); a default
     * one gets a suffix when the second is taken.
     *
     * @throws ConfigException when the directory cannot be used
     */
    public static RunDirectory create(String outputDir, Path workDir, Clock clock) {
        return create(outputDir, workDir, clock, "");
    }

    /**
     * As {@link #create(String, Path, Clock)}, with {@code prefix} before the default
     * directory's time stamp ({@code runs/eval-yyyyMMdd-HHmmss} for {@code eval}).
     */
    public static RunDirectory create(String outputDir, Path workDir, Clock clock, String prefix) {
        if (outputDir != null) {
            Path dir = workDir.resolve(outputDir);
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new ConfigException("config error: output.dir: " + outputDir
                            + " exists and is not a directory");
                }
                if (!isEmpty(dir)) {
                    throw new ConfigException("config error: output.dir: " + outputDir
                            + " already exists and is not empty (choose another --output-dir or remove it,"
                            + " or add --resume to continue the run in it)");
                }
                if (!Files.isWritable(dir)) {
                    throw new ConfigException("config error: output.dir: " + outputDir
                            + " is not writable (permission denied); choose another --output-dir");
                }
            }
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new ConfigException("config error: output.dir: cannot create " + outputDir + ": "
                        + IoErrors.describe(e));
            }
            return new RunDirectory(dir, outputDir);
        }
        String stamp = prefix + LocalDateTime.now(clock).format(STAMP);
        Path runs = workDir.resolve("runs");
        try {
            Files.createDirectories(runs);
            for (int i = 1; ; i++) {
                String name = i == 1 ? stamp : stamp + "-" + i;
                try {
                    Path dir = Files.createDirectory(runs.resolve(name));
                    return new RunDirectory(dir, "runs/" + name);
                } catch (FileAlreadyExistsException e) {
                    // taken within the same second: try the next suffix
                }
            }
        } catch (IOException e) {
            throw new ConfigException("config error: output.dir: cannot create a run directory under "
                    + runs + ": " + IoErrors.describe(e));
        }
    }

    /**
     * The existing directory of a run being resumed ({@code train --resume}), which holds the
     * run's files already.
     *
     * @param dir     the directory
     * @param display the directory as the user would name it
     * @throws ConfigException when it is not a directory
     */
    static RunDirectory existing(Path dir, String display) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("config error: output.dir: " + display
                    + (Files.exists(dir) ? " is not a directory" : " does not exist") + "; nothing to resume there");
        }
        return new RunDirectory(dir, display);
    }

    /** The content of {@code name} in the run directory, or null when there is none. */
    String read(String name) throws IOException {
        Path file = path.resolve(name);
        return Files.isRegularFile(file) ? Files.readString(file) : null;
    }

    /**
     * Writes {@code name} in the run directory through a temporary file and a rename.
     *
     * @throws IOException when it cannot; the temporary file is then removed and {@code name} is
     *     as it was
     */
    public void writeAtomically(String name, String content) throws IOException {
        Path target = path.resolve(name);
        Path tmp = path.resolve("." + name + ".tmp");
        try {
            Files.writeString(tmp, content);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                if (Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(tmp);
                }
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Deletes the directory when it holds nothing but {@code keep} (a run that never started). */
    public void deleteIfOnly(String keep) {
        try (Stream<Path> s = Files.list(path)) {
            List<Path> files = s.toList();
            if (files.stream().allMatch(f -> f.getFileName().toString().equals(keep))) {
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // best effort: leaving an almost empty directory behind is harmless
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
