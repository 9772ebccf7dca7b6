package org.dpo4j.trainer.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;

/**
 * The shard files a {@code model.safetensors.index.json} points to. The file is a JSON object
 * whose {@code weight_map} maps each tensor name to the file holding it:
 * {@code {"metadata": {...}, "weight_map": {"model.embed_tokens.weight":
 * "model-00001-of-00002.safetensors", ...}}}.
 */
final class ShardIndex {

    static final String FILE_NAME = "model.safetensors.index.json";

    /**
     * Shards are plain names in the repository's top folder. Anything else (a {@code /}, a
     * {@code ..}) is refused, because the names become paths in the cache folder and an index
     * must not make us write outside it.
     */
    private static final Pattern SHARD_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private ShardIndex() {}

    /**
     * @param file a downloaded index
     * @return the distinct shard file names, sorted (the order shards are numbered in)
     * @throws UserInputException one line naming the file when it is not a usable index
     */
    static List<String> shardFiles(Path file) {
        JsonNode json = JsonFiles.read(file);
        JsonNode weightMap = json == null ? null : json.get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new UserInputException(file + ": has no weight_map object naming the shard files");
        }
        SortedSet<String> shards = new TreeSet<>();
        for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
            JsonNode shard = entry.getValue();
            if (!shard.isTextual() || !SHARD_NAME.matcher(shard.asText()).matches() || shard.asText().contains("..")) {
                throw new UserInputException(file + ": weight_map." + entry.getKey() + " = " + shard
                        + " is not a file name in the repository's top folder");
            }
            shards.add(shard.asText());
        }
        return List.copyOf(shards);
    }
}
