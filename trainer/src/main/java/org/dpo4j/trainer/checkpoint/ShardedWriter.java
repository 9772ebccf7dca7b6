package org.dpo4j.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Saves a model's tensors into a folder the way transformers' {@code save_pretrained} does:
 * one {@value CheckpointFiles#SINGLE_FILE} when they fit in one shard, else
 * {@code model-00001-of-0000N.safetensors}... plus {@value CheckpointFiles#INDEX_FILE}
 * ({@code {"metadata": {"total_size": bytes of all tensors}, "weight_map": {name: file}}}, keys
 * sorted, indented by 2, as Python's {@code json.dumps(index, indent=2, sort_keys=True)} writes
 * it). Every file goes through {@link AtomicFiles}.
 *
 * <p>After writing, checkpoint files of an earlier save that this one does not use are deleted:
 * loaders look for {@value CheckpointFiles#SINGLE_FILE} before the index, so a leftover one
 * would shadow new shards. Each file is replaced atomically, but a save over an earlier one is
 * not atomic as a whole: for an all-or-nothing checkpoint, save into a fresh folder and rename
 * the folder.
 */
public final class ShardedWriter {

    /**
     * What a save wrote.
     *
     * @param files      the files, shards first, then the index when there is one
     * @param totalBytes the tensors' data bytes (the index's {@code total_size})
     */
    public record Saved(List<Path> files, long totalBytes) {}

    private static final Pattern CHECKPOINT_FILE = Pattern.compile(
            "model\\.safetensors|model\\.safetensors\\.index\\.json|model-\\d{5}-of-\\d{5}\\.safetensors");

    // Python's json.dumps(indent=2): "key": value, two-space indents, '\n' line ends
    private static final ObjectWriter INDEX_JSON = new ObjectMapper().writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private ShardedWriter() {}

    /**
     * Writes {@code tensors} into {@code directory} (created if needed) in {@code dtype}.
     *
     * @param tensors       name to float32 array, in the order to store them
     * @param maxShardBytes the largest shard's data size (see {@link ByteSize}); a tensor larger
     *                      than this is stored alone in its own shard
     * @throws IllegalArgumentException when {@code maxShardBytes < 1} or a tensor is not float32
     * @throws IOException when writing fails; files already complete stay, none is half-written
     */
    public static Saved write(Path directory, Map<String, NDArray> tensors, SaveDtype dtype, long maxShardBytes)
            throws IOException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            SafetensorsWriter.checkWritable(name, t); // all before any file is written
            sizes.put(name, t.getShape().size() * dtype.bytes());
        });
        List<List<String>> shards = plan(sizes, maxShardBytes);
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        Files.createDirectories(directory);

        List<Path> written = new ArrayList<>();
        Map<String, String> weightMap = new TreeMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String fileName = shards.size() == 1 ? CheckpointFiles.SINGLE_FILE
                    : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Map<String, NDArray> shard = new LinkedHashMap<>();
            for (String name : shards.get(i)) {
                shard.put(name, tensors.get(name));
                weightMap.put(name, fileName);
            }
            Path file = directory.resolve(fileName);
            SafetensorsWriter.write(file, shard, dtype);
            written.add(file);
        }
        if (shards.size() > 1) {
            Path index = directory.resolve(CheckpointFiles.INDEX_FILE);
            AtomicFiles.writeString(index, indexJson(total, weightMap));
            written.add(index);
        }
        deleteStale(directory, written);
        return new Saved(List.copyOf(written), total);
    }

    /**
     * Hugging Face's greedy split ({@code split_torch_state_dict_into_shards}): in order, a
     * tensor joins the current shard unless that would take it past {@code maxShardBytes}, in
     * which case the current shard is closed first. A tensor larger than the limit gets a shard
     * of its own at once, placed before the shard still being filled (as there). No tensors
     * still make one (empty) shard.
     *
     * @param sizes name to data bytes, in order
     * @return the names of each shard, in shard order
     */
    static List<List<String>> plan(Map<String, Long> sizes, long maxShardBytes) {
        if (maxShardBytes < 1) {
            throw new IllegalArgumentException("maxShardBytes must be >= 1, got " + maxShardBytes);
        }
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        for (Map.Entry<String, Long> e : sizes.entrySet()) {
            long bytes = e.getValue();
            if (bytes > maxShardBytes) {
                shards.add(List.of(e.getKey()));
                continue;
            }
            if (currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e.getKey());
            currentBytes += bytes;
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

    static String indexJson(long totalBytes, Map<String, String> weightMap) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.putObject("metadata").put("total_size", totalBytes);
        ObjectNode map = root.putObject("weight_map");
        new TreeMap<>(weightMap).forEach(map::put);
        try {
            return INDEX_JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serialises
        }
    }

    private static void deleteStale(Path directory, List<Path> written) throws IOException {
        Set<Path> keep = new HashSet<>();
        written.forEach(p -> keep.add(p.getFileName()));
        List<Path> stale;
        try (Stream<Path> listing = Files.list(directory)) {
            stale = listing.filter(p -> CHECKPOINT_FILE.matcher(p.getFileName().toString()).matches())
                    .filter(p -> !keep.contains(p.getFileName()))
                    .toList();
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
    }
}
