package org.dpo4j.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;

/**
 * The weights of a Hugging Face model folder: the single {@value #SINGLE_FILE}, else
 * {@value #INDEX_FILE} and the shards its {@code weight_map} names (the order in which
 * transformers looks).
 *
 * <p>Index format: {@code {"metadata": {"total_size": n}, "weight_map": {tensor name: file
 * name}}}. Each file is opened once and read tensor by tensor (see {@link SafetensorsFile}); a
 * tensor that a shard has but the weight map does not list is ignored, as the index decides.
 *
 * <p>For a model loader, {@link #load} combines lookup, shape check and read, with one-line
 * messages that name the file, the tensor and the expected shape.
 */
public final class CheckpointFiles implements AutoCloseable {

    /** The single-file checkpoint name. */
    public static final String SINGLE_FILE = "model.safetensors";

    /** The sharded checkpoint's index name. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path directory;
    private final Path source;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileByTensor;
    private final Map<String, TensorEntry> entries;

    private CheckpointFiles(Path directory, Path source, List<SafetensorsFile> files,
            Map<String, SafetensorsFile> fileByTensor) {
        this.directory = directory;
        this.source = source;
        this.files = List.copyOf(files);
        this.fileByTensor = Collections.unmodifiableMap(fileByTensor);
        Map<String, TensorEntry> all = new LinkedHashMap<>();
        fileByTensor.forEach((name, file) -> all.put(name, file.entry(name)));
        this.entries = Collections.unmodifiableMap(all);
    }

    /**
     * Opens the checkpoint in {@code directory} and validates every file's header.
     *
     * @throws UserInputException (one line) when the folder is missing, holds neither
     *     {@value #SINGLE_FILE} nor {@value #INDEX_FILE} (saying that {@code .bin} checkpoints
     *     are not supported when there is one), the index is not valid, a file it names is missing
     *     or lacks a tensor the index puts there, or a header is invalid
     */
    public static CheckpointFiles open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new UserInputException(directory + (Files.exists(directory)
                    ? ": is a file, expected a checkpoint folder (with " + SINGLE_FILE + " or " + INDEX_FILE + ")"
                    : ": no such checkpoint folder"));
        }
        // transformers' from_pretrained looks for the single file first, so a folder holding
        // both (a stale leftover of one kind) loads the same weights here as there
        Path single = directory.resolve(SINGLE_FILE);
        if (Files.exists(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            file.entries().keySet().forEach(name -> byTensor.put(name, file));
            return new CheckpointFiles(directory, single, List.of(file), byTensor);
        }
        Path index = directory.resolve(INDEX_FILE);
        if (Files.exists(index)) {
            return openSharded(directory, index);
        }
        throw new UserInputException(directory + ": no " + SINGLE_FILE + " or " + INDEX_FILE + " in this folder"
                + otherCheckpointHint(directory));
    }

    /** The model folder. */
    public Path directory() {
        return directory;
    }

    /** The safetensors files, in the order the index first names them. */
    public List<Path> files() {
        return files.stream().map(SafetensorsFile::path).toList();
    }

    /** Every tensor, by name: the single file's header order, or the weight map's order. */
    public Map<String, TensorEntry> entries() {
        return entries;
    }

    /** Whether the checkpoint has a tensor called {@code name}. */
    public boolean contains(String name) {
        return fileByTensor.containsKey(name);
    }

    /**
     * The file that holds {@code name}.
     *
     * @throws UserInputException when there is no such tensor
     */
    public Path fileOf(String name) {
        return file(name, null).path();
    }

    /**
     * The elements of {@code name} as float32, row-major (see {@link SafetensorsFile#readFloats}).
     *
     * @throws UserInputException when the tensor is missing or cannot be read
     */
    public float[] readFloats(String name) {
        return file(name, null).readFloats(name);
    }

    /**
     * The tensor {@code name} as float32 in libtorch-owned memory, in any shape (see
     * {@link SafetensorsFile#toNDArray}).
     *
     * @throws UserInputException when the tensor is missing or cannot be read
     */
    public NDArray toNDArray(String name, NDManager manager) {
        return file(name, null).toNDArray(name, manager);
    }

    /**
     * The entry of {@code name}, checked against the shape the model expects.
     *
     * @throws UserInputException "SOURCE: missing tensor NAME (expected shape [..])", or "FILE:
     *     tensor NAME has shape [a, b], expected [c, d]"
     */
    public TensorEntry require(String name, Shape expected) {
        SafetensorsFile file = file(name, expected);
        TensorEntry entry = file.entry(name);
        if (!entry.shape().equals(expected)) {
            throw new UserInputException(wrongShape(file.path(), name, entry.shape(), expected));
        }
        return entry;
    }

    /**
     * {@link #require} then {@link #toNDArray}: the tensor the model expects, as float32 in
     * libtorch-owned memory on {@code manager}.
     *
     * @throws UserInputException when the tensor is missing, has another shape, or cannot be read
     */
    public NDArray load(String name, Shape expected, NDManager manager) {
        require(name, expected);
        return toNDArray(name, manager);
    }

    /** "FILE: tensor NAME has shape [a, b], expected [c, d]", for checks done elsewhere. */
    public static String wrongShape(Path file, String name, Shape found, Shape expected) {
        return file + ": tensor " + name + " has shape " + TensorEntry.format(found)
                + ", expected " + TensorEntry.format(expected);
    }

    /** "SOURCE: missing tensor NAME (expected shape [..])", for checks done elsewhere. */
    public static String missingTensor(Path source, String name, Shape expected) {
        return source + ": missing tensor " + name
                + (expected == null ? "" : " (expected shape " + TensorEntry.format(expected) + ")");
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }

    private SafetensorsFile file(String name, Shape expected) {
        SafetensorsFile file = fileByTensor.get(name);
        if (file == null) {
            throw new UserInputException(missingTensor(source, name, expected));
        }
        return file;
    }

    private static CheckpointFiles openSharded(Path directory, Path index) {
        Map<String, String> weightMap = weightMap(index);
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String tensor = e.getKey();
                String fileName = e.getValue();
                SafetensorsFile file = opened.get(fileName);
                if (file == null) {
                    file = SafetensorsFile.open(shardPath(directory, index, tensor, fileName));
                    opened.put(fileName, file);
                }
                if (!file.contains(tensor)) {
                    throw new UserInputException(index + ": weight_map puts tensor " + tensor + " in " + fileName
                            + ", but " + file.path() + " has no such tensor");
                }
                byTensor.put(tensor, file);
            }
            return new CheckpointFiles(directory, index, new ArrayList<>(opened.values()), byTensor);
        } catch (RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
    }

    /** The index's weight_map, in its order. */
    private static Map<String, String> weightMap(Path index) {
        JsonNode root = JsonFiles.read(index);
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new UserInputException(index + ": expected a JSON object with a \"weight_map\" object"
                    + " of tensor name to file name");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new UserInputException(index + ": weight_map[\"" + e.getKey() + "\"] must be a file name, found "
                        + e.getValue());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        if (out.isEmpty()) {
            throw new UserInputException(index + ": weight_map is empty");
        }
        return out;
    }

    /** The shard's path; it must stay inside the folder, so an index cannot reach other files. */
    private static Path shardPath(Path directory, Path index, String tensor, String fileName) {
        Path base = directory.toAbsolutePath().normalize();
        Path file = base.resolve(fileName).normalize();
        if (fileName.isEmpty() || !file.startsWith(base) || file.equals(base)) {
            throw new UserInputException(index + ": weight_map puts tensor " + tensor + " in \"" + fileName
                    + "\", which is not a file name inside " + directory);
        }
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(index + ": weight_map puts tensor " + tensor + " in " + fileName
                    + ", but " + directory.resolve(fileName) + " does not exist");
        }
        return directory.resolve(fileName);
    }

    /** What else the folder holds that looks like weights, for the "no checkpoint" message. */
    private static String otherCheckpointHint(Path directory) {
        for (String bin : List.of("pytorch_model.bin.index.json", "pytorch_model.bin")) {
            if (Files.exists(directory.resolve(bin))) {
                return "; found " + bin + ", but .bin (pickle) checkpoints are not supported: convert to safetensors,"
                        + " e.g. AutoModelForCausalLM.from_pretrained(dir).save_pretrained(out, safe_serialization=True)";
            }
        }
        try (Stream<Path> listing = Files.list(directory)) {
            List<String> others = listing.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".safetensors")).sorted().limit(3).toList();
            return others.isEmpty() ? "" : "; other safetensors files here: " + String.join(", ", others);
        } catch (IOException e) {
            return "";
        }
    }
}
