package org.dpo4j.trainer.checkpoint;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dpo4j.trainer.common.IoErrors;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * Writes a model as a Hugging Face folder that {@code from_pretrained} and dpo4j load back:
 * {@code config.json}, the weights ({@code model.safetensors}, or shards and
 * {@code model.safetensors.index.json} above the shard size), the tokenizer's files, and
 * {@code generation_config.json} when the source folder has one.
 *
 * <p>Every file goes through a temporary name and a rename ({@link AtomicFiles}), and
 * {@link #write} fills a hidden staging folder that is renamed to the target only when complete:
 * a crash leaves no half-written file and no half-written folder under a final name.
 */
public final class HfModelWriter {

    /** Copied from the source folder when present; not part of the tokenizer. */
    public static final String GENERATION_CONFIG = "generation_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Python's {@code json.dumps(indent=2)} layout, as transformers writes config.json. */
    private static final DefaultPrettyPrinter PYTHON_STYLE = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));

    private final SaveDtype dtype;
    private final long maxShardBytes;

    /**
     * @param dtype         dtype of the stored weights
     * @param maxShardBytes largest weights file
     */
    public HfModelWriter(SaveDtype dtype, long maxShardBytes) {
        this.dtype = dtype;
        this.maxShardBytes = maxShardBytes;
    }

    /** What to write besides the weights. */
    public record Companions(
            ModelArchitecture architecture, Map<String, byte[]> tokenizerFiles, Map<String, Integer> specialTokenIds,
            Path sourceFolder) {}

    /**
     * Writes a complete folder at {@code target}, which must not exist yet.
     *
     * @param target     the folder to create
     * @param weights    the parameters, under Hugging Face names
     * @param companions config, tokenizer and source folder
     * @throws UncheckedIOException when the disk fails; nothing is left under {@code target}
     */
    public void write(Path target, ModelWeights weights, Companions companions) {
        Path staging = Folders.staging(target);
        try {
            Folders.deleteRecursively(staging);
            Files.createDirectories(staging);
            writeInto(staging, weights, companions);
            Folders.publish(staging, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + target + ": " + IoErrors.describe(e), e);
        }
    }

    /** Writes every file of the folder into an existing directory, each file atomically. */
    public void writeInto(Path folder, ModelWeights weights, Companions companions) throws IOException {
        ShardedWriter.write(folder, weights.saved().byName(), dtype, maxShardBytes);
        AtomicFiles.writeString(folder.resolve("config.json"), configJson(companions) + "\n");
        for (Map.Entry<String, byte[]> file : companions.tokenizerFiles().entrySet()) {
            AtomicFiles.writeBytes(folder.resolve(file.getKey()), file.getValue());
        }
        if (companions.sourceFolder() != null) {
            Path generation = companions.sourceFolder().resolve(GENERATION_CONFIG);
            if (Files.isRegularFile(generation)) {
                AtomicFiles.copy(generation, folder.resolve(GENERATION_CONFIG));
            }
        }
    }

    /**
     * The source folder's {@code config.json} with {@code torch_dtype} (and transformers 5's
     * {@code dtype}, when it has one) set to the saved dtype
     * (every other key kept as the user's model had it), or, for a model without one, the
     * architecture's config plus the tokenizer's special-token ids.
     */
    private String configJson(Companions companions) throws IOException {
        ObjectNode config;
        Path source = companions.sourceFolder() == null ? null : companions.sourceFolder().resolve("config.json");
        if (source != null && Files.isRegularFile(source)) {
            JsonNode read = JSON.readTree(source.toFile());
            config = (ObjectNode) read;
        } else {
            config = JSON.valueToTree(companions.architecture().toHfConfig());
            companions.specialTokenIds().forEach(config::put);
        }
        config.put("torch_dtype", torchDtype(dtype));
        if (config.has("dtype")) {
            config.put("dtype", torchDtype(dtype)); // transformers 5's name for it
        }
        return JSON.writer(PYTHON_STYLE).writeValueAsString(config);
    }

    /** The name {@code config.json}'s {@code torch_dtype} uses. */
    static String torchDtype(SaveDtype dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
        };
    }
}
