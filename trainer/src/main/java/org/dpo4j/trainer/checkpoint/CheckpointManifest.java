package org.dpo4j.trainer.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dpo4j.trainer.common.UserInputException;

/**
 * The SHA-256 sums of a step checkpoint's files, {@value #FILE} in its folder, in the format of
 * {@code sha256sum} (so {@code cd RUN/checkpoints/step-N && sha256sum -c SHA256SUMS} checks it
 * by hand too): one line per file, sorted by path,
 *
 * <pre>
 * 64 lowercase hex digits, two spaces, the path relative to the folder with '/' separators
 * </pre>
 *
 * <p>It is written last, into the staging folder (see {@link StepCheckpoints#write}), so a
 * published checkpoint has one and a crash leaves none. It is a check against damage (a disk
 * error, a byte flipped, a file cut short or edited), not a signature: whoever can change the
 * files can write the sums again.
 */
public final class CheckpointManifest {

    /** The manifest's name in a checkpoint folder. */
    public static final String FILE = "SHA256SUMS";

    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64}) [ *](.+)");
    private static final int READ_BUFFER = 1 << 16;

    private CheckpointManifest() {}

    /**
     * Writes {@value #FILE} in {@code folder} for every regular file below it.
     *
     * @throws IOException when a file cannot be read or the manifest cannot be written
     */
    public static void write(Path folder) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Path> file : files(folder).entrySet()) {
            text.append(sha256(file.getValue())).append("  ").append(file.getKey()).append('\n');
        }
        AtomicFiles.writeString(folder.resolve(FILE), text.toString());
    }

    /**
     * Checks every file of {@code folder} against its {@value #FILE}: each listed file must exist
     * and have its sum, and no other file may be there (an unlisted {@code model.safetensors}
     * beside a listed sharded index would be loaded instead of it).
     *
     * @return the number of files checked, or empty when the folder has no manifest (a checkpoint
     *     written before dpo4j wrote them)
     * @throws UserInputException (one line naming the file, and the previous complete checkpoint
     *     of the same run when there is one) when a file differs, is missing or is not listed, or
     *     the manifest is not in the format above
     */
    public static OptionalInt verify(Path folder) {
        Path manifest = folder.resolve(FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return OptionalInt.empty();
        } catch (IOException e) {
            throw new UserInputException(manifest + ": cannot read (" + e + ")", e);
        }
        Map<String, String> expected = parse(folder, manifest, lines);
        Map<String, Path> present = files(folder);
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            Path file = present.get(entry.getKey());
            if (file == null) {
                throw damaged(folder, folder.resolve(entry.getKey()) + ": missing, but listed in " + FILE);
            }
            if (!sha256(file).equals(entry.getValue())) {
                throw damaged(folder, file + ": its SHA-256 differs from the one in " + FILE
                        + " (the file was damaged or changed after the checkpoint was written)");
            }
        }
        for (Map.Entry<String, Path> file : present.entrySet()) {
            if (!expected.containsKey(file.getKey())) {
                throw damaged(folder, file.getValue() + ": not listed in " + FILE
                        + " (it was not written with the checkpoint); remove it");
            }
        }
        return OptionalInt.of(expected.size());
    }

    /** Path to sum, checking each line and that each path stays inside the folder. */
    private static Map<String, String> parse(Path folder, Path manifest, List<String> lines) {
        Map<String, String> sums = new LinkedHashMap<>();
        Path base = folder.toAbsolutePath().normalize();
        for (int i = 0; i < lines.size(); i++) {
            String where = manifest + ":" + (i + 1);
            Matcher m = LINE.matcher(lines.get(i));
            if (!m.matches()) {
                throw damaged(folder, where + ": expected a SHA-256 (64 lowercase hex digits), two spaces and a"
                        + " file path, as sha256sum writes them");
            }
            String name = m.group(2);
            Path resolved = base.resolve(name).normalize();
            if (!resolved.startsWith(base) || resolved.equals(base) || name.startsWith("/") || name.contains("\\")) {
                throw damaged(folder, where + ": \"" + name + "\" is not a path inside the checkpoint folder");
            }
            if (sums.put(base.relativize(resolved).toString().replace('\\', '/'), m.group(1)) != null) {
                throw damaged(folder, where + ": " + name + " is listed twice");
            }
        }
        return sums;
    }

    /** Every regular file below {@code folder} but the manifest, by '/'-separated relative path, sorted. */
    private static Map<String, Path> files(Path folder) {
        Map<String, Path> out = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            List<Path> all = new ArrayList<>(walk.filter(Files::isRegularFile).toList());
            List<String> names = new ArrayList<>();
            for (Path p : all) {
                String name = folder.relativize(p).toString().replace('\\', '/');
                if (!name.equals(FILE)) {
                    names.add(name);
                }
            }
            names.sort(null);
            names.forEach(name -> out.put(name, folder.resolve(name)));
            return out;
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException(folder + ": cannot list the checkpoint's files (" + e.getMessage() + ")", e);
        }
    }

    /** Lowercase hex SHA-256 of a file's bytes, read in blocks. */
    static String sha256(Path file) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[READ_BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read (" + e + ")", e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The message, then the checkpoint to fall back to. */
    private static UserInputException damaged(Path folder, String what) {
        Path previous = StepCheckpoints.previousComplete(folder);
        return new UserInputException(what + "; " + (previous == null
                ? "the run has no earlier complete checkpoint to resume from"
                : "resume from the previous complete checkpoint instead: --resume " + previous));
    }
}
