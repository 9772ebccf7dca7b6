package org.dpo4j.trainer.checkpoint;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The training checkpoints of a run directory: {@code RUN/checkpoints/step-N/}, one folder per
 * saved optimizer step N.
 *
 * <p>A checkpoint is assembled in the hidden sibling {@code .step-N.partial} and renamed to
 * {@code step-N} only when every file in it is written; the state file {@value #STATE_FILE}
 * marks it complete, and {@link CheckpointManifest} ({@code SHA256SUMS}), written last, holds the
 * SHA-256 of each of its files, checked on resume. Only then are the oldest complete checkpoints beyond
 * {@code keep_last} removed, each renamed to a hidden {@code .step-N.deleting} first, so a crash
 * at any moment leaves the newest complete checkpoint intact and never a half-deleted folder
 * under a {@code step-N} name. Hidden leftovers of a crash are removed by the next write.
 */
public final class StepCheckpoints {

    /** The folder in the run directory that holds the checkpoints. */
    public static final String DIR = "checkpoints";

    /** The file a complete checkpoint always has; written last. */
    public static final String STATE_FILE = "trainer_state.json";

    private static final Pattern STEP_FOLDER = Pattern.compile("step-(\\d{1,9})");
    private static final Pattern LEFTOVER = Pattern.compile("\\.step-\\d+\\.(partial|deleting)");

    /** Fills a new checkpoint folder (which exists and is empty). */
    @FunctionalInterface
    public interface Content {
        void writeInto(Path folder) throws IOException;
    }

    private StepCheckpoints() {}

    /** {@code RUN/checkpoints/step-N}. */
    public static Path folder(Path runDir, int step) {
        return runDir.resolve(DIR).resolve("step-" + step);
    }

    /** The step of a {@code step-N} folder name, or -1 for any other name. */
    public static int stepOf(Path folder) {
        Path name = folder.getFileName();
        Matcher m = name == null ? null : STEP_FOLDER.matcher(name.toString());
        return m != null && m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The complete checkpoints of {@code runDir}, by step, oldest first; empty when none. */
    public static List<Path> complete(Path runDir) throws IOException {
        Path dir = runDir.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> stepOf(p) >= 0 && Files.isRegularFile(p.resolve(STATE_FILE)))
                    .sorted(Comparator.comparingInt(StepCheckpoints::stepOf))
                    .toList();
        }
    }

    /** The newest complete checkpoint of {@code runDir}, or null. */
    public static Path latest(Path runDir) throws IOException {
        List<Path> all = complete(runDir);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /**
     * The newest complete checkpoint of the run that holds {@code folder} ({@code
     * RUN/checkpoints/step-N}) with a step below N; null when there is none, or when {@code folder}
     * is not such a folder.
     */
    public static Path previousComplete(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        int step = stepOf(abs);
        if (step < 0 || parent == null || parent.getFileName() == null
                || !parent.getFileName().toString().equals(DIR) || parent.getParent() == null) {
            return null;
        }
        try {
            Path previous = null;
            for (Path p : complete(parent.getParent())) {
                if (stepOf(p) < step) {
                    previous = p;
                }
            }
            return previous == null ? null : folder.resolveSibling(previous.getFileName());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Writes checkpoint {@code step}: {@code content} fills {@code .step-N.partial}, which is then
     * renamed to {@code step-N} (replacing an older folder of that name), and the complete
     * checkpoints beyond the newest {@code keepLast} are deleted.
     *
     * @return the published folder
     * @throws IOException when writing fails; earlier checkpoints are then untouched
     */
    public static Path write(Path runDir, int step, int keepLast, Content content) throws IOException {
        Path dir = Files.createDirectories(runDir.resolve(DIR));
        removeLeftovers(dir);
        Path target = folder(runDir, step).toAbsolutePath().normalize();
        Path staging = target.resolveSibling("." + target.getFileName() + ".partial");
        Files.createDirectories(staging);
        try {
            content.writeInto(staging);
            CheckpointManifest.write(staging);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Folders.deleteRecursively(staging);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        if (Files.exists(target)) {
            discard(target);
        }
        move(staging, target);
        List<Path> all = complete(runDir);
        for (Path old : all.subList(0, Math.max(0, all.size() - keepLast))) {
            discard(old);
        }
        return target;
    }

    /** Renames a checkpoint to a hidden name, then deletes it. */
    private static void discard(Path folder) throws IOException {
        Path doomed = folder.resolveSibling("." + folder.getFileName() + ".deleting");
        Folders.deleteRecursively(doomed);
        move(folder, doomed);
        Folders.deleteRecursively(doomed);
    }

    /** Staging and deleting folders a crash left behind. */
    private static void removeLeftovers(Path dir) throws IOException {
        List<Path> leftovers = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> LEFTOVER.matcher(p.getFileName().toString()).matches()).forEach(leftovers::add);
        }
        for (Path p : leftovers) {
            Folders.deleteRecursively(p);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
