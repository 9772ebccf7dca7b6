package org.dpo4j.trainer.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The on-disk layout of downloaded models: {@code <hubCache>/<owner>--<name>/<revision>/} holds
 * the repository's files under their own names.
 *
 * <p>A file appears under its final name only once complete: it is written to a hidden
 * {@code .<name>.<random>.part} file beside it and renamed. The {@code .complete} marker, written
 * last, lists the files of a whole download, one name per line ({@code #} lines are comments).
 */
final class HubCache {

    static final String MARKER = ".complete";
    static final String PART_SUFFIX = ".part";

    /**
     * A download writes its part file continuously, so one untouched this long was left by a
     * killed run; deleting it keeps interrupted multi-gigabyte downloads from piling up.
     */
    static final Duration STALE_PART_AGE = Duration.ofHours(1);

    private final Path hubCache;

    HubCache(Path hubCache) {
        this.hubCache = hubCache;
    }

    /** The folder of one model revision; not created. */
    Path folder(HubReference ref) {
        return hubCache.resolve(ref.owner() + "--" + ref.name()).resolve(ref.encodedRevision());
    }

    /**
     * Whether a download finished here: the marker exists and every file it lists is present.
     * Checking the files costs no network and turns a hand-deleted shard into a fresh download
     * instead of a confusing load error.
     */
    boolean isComplete(Path folder) {
        Path marker = folder.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(marker, StandardCharsets.UTF_8)) {
                String file = line.strip();
                if (!file.isEmpty() && !file.startsWith("#") && !Files.isRegularFile(folder.resolve(file))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the marker listing {@code files}; call only once all of them are in place. */
    void markComplete(Path folder, HubReference ref, List<String> files) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# " + ref + ": every file below is complete");
        lines.addAll(files);
        Path part = newPartFile(folder.resolve(MARKER));
        try {
            Files.write(part, lines, StandardCharsets.UTF_8);
            moveIntoPlace(part, folder.resolve(MARKER));
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * Creates an empty, uniquely named part file beside {@code target}. Unique names let two
     * processes download the same model at once: each renames its own complete copy.
     */
    static Path newPartFile(Path target) throws IOException {
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return Files.createFile(target.resolveSibling("." + target.getFileName() + "." + random + PART_SUFFIX));
    }

    /** Renames a complete part file to its final name, replacing what is there. */
    static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes part files in {@code folder} untouched for {@link #STALE_PART_AGE}. */
    void sweepStaleParts(Path folder) throws IOException {
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE_PART_AGE));
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(folder, ".*" + PART_SUFFIX)) {
            for (Path part : parts) {
                try {
                    if (Files.getLastModifiedTime(part).compareTo(cutoff) < 0) {
                        Files.deleteIfExists(part);
                    }
                } catch (IOException e) {
                    // another process may have renamed or deleted it meanwhile; nothing to clean
                }
            }
        }
    }
}
