package org.dpo4j.trainer.data.source;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.dpo4j.trainer.common.UserInputException;

/**
 * Turns the paths of {@code data.train} / {@code data.eval} into the data files to read, in order.
 *
 * <p>A path is a file or a directory. A file is read in the configured format, or under
 * {@code auto} by its extension ({@code .jsonl}, {@code .json}, {@code .parquet}, any case). A
 * directory contributes its files with those extensions (under an explicit format: with that
 * format's extension), sorted by name; it is not searched recursively, and hidden files (names
 * starting with a dot, such as macOS {@code ._train.jsonl}) are left out.
 */
public final class DataFiles {

    private DataFiles() {}

    /**
     * @param paths   the configured paths, in order (one string in the config is a list of one)
     * @param format  {@code auto}, {@code jsonl}, {@code json} or {@code parquet}
     * @param keyPath the config key the paths came from ({@code data.train}), for messages
     * @return the files with their formats: the paths in order, a directory's files by name
     * @throws UserInputException one line naming the key (with the list index when several paths
     *     were given), the path and what is allowed: no paths, a path that does not exist, an
     *     empty directory, a file whose extension does not tell its format under {@code auto}, an
     *     unknown format
     */
    public static List<DataFile> resolve(List<String> paths, String format, String keyPath) {
        Optional<DataFormat> fixed = DataFormat.parse(format);
        if (paths == null || paths.isEmpty()) {
            throw new UserInputException(keyPath + ": no data path given (" + allowed() + ")");
        }
        List<DataFile> files = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            String key = paths.size() == 1 ? keyPath : keyPath + "[" + i + "]";
            files.addAll(resolveOne(paths.get(i), fixed, key));
        }
        return List.copyOf(files);
    }

    private static List<DataFile> resolveOne(String value, Optional<DataFormat> fixed, String key) {
        if (value == null || value.isBlank()) {
            throw new UserInputException(key + ": empty path (" + allowed() + ")");
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new UserInputException(SourceFiles.oneLine(key + ": invalid path '" + value + "' (" + e.getReason() + ")"));
        }
        if (Files.isDirectory(path)) {
            return directory(path, fixed, key);
        }
        if (Files.isRegularFile(path)) {
            return List.of(new DataFile(path, fixed.orElseGet(() -> formatOf(path, key))));
        }
        String problem = Files.exists(path) ? "is not a file or a directory" : "does not exist";
        throw new UserInputException(SourceFiles.oneLine(key + ": " + path + " " + problem + " (" + allowed() + ")"));
    }

    private static DataFormat formatOf(Path file, String key) {
        return DataFormat.ofFileName(file.getFileName().toString()).orElseThrow(() -> new UserInputException(
                SourceFiles.oneLine(key + ": " + file + ": cannot tell the format from the file name (allowed extensions: "
                        + DataFormat.extensions(", ") + "; or set " + DataFormat.FORMAT_KEY + " to one of "
                        + DataFormat.names(", ") + ")")));
    }

    private static List<DataFile> directory(Path directory, Optional<DataFormat> fixed, String key) {
        List<DataFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Optional<DataFormat> named = DataFormat.ofFileName(name)
                        .filter(f -> fixed.isEmpty() || fixed.get() == f);
                if (named.isPresent() && !name.startsWith(".") && Files.isRegularFile(entry)) {
                    files.add(new DataFile(entry, named.get()));
                }
            }
        } catch (IOException e) {
            throw new UserInputException(SourceFiles.oneLine(key + ": directory " + directory + " cannot be read ("
                    + e.getMessage() + ")"), e);
        }
        if (files.isEmpty()) {
            String wanted = fixed.map(f -> f.extension() + " files (" + DataFormat.FORMAT_KEY + ": " + f.formatName() + ")")
                    .orElseGet(() -> DataFormat.extensions(", ") + " files");
            throw new UserInputException(SourceFiles.oneLine(key + ": directory " + directory + " has no " + wanted
                    + "; subdirectories are not searched"));
        }
        files.sort(Comparator.comparing(file -> file.path().getFileName().toString()));
        return files;
    }

    private static String allowed() {
        return "give a file (" + DataFormat.extensions(", ") + ") or a directory of such files";
    }
}
