package org.dpo4j.trainer.init;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.checkpoint.Folders;
import org.dpo4j.trainer.checkpoint.HfModelWriter;
import org.dpo4j.trainer.checkpoint.SaveDtype;
import org.dpo4j.trainer.checkpoint.TokenizerFiles;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.TinyPrefs;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.SpecialTokenStyle;
import org.dpo4j.trainer.model.registry.HfConfigReader;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.tokenizer.ByteLevelBpe;
import org.dpo4j.trainer.tokenizer.HfTokenizer;

/**
 * A randomly initialised Hugging Face model folder for smoke runs ({@code dpo4j init-model}):
 * a preset architecture, weights drawn as {@link ModelInitializer} does, and a byte-level BPE
 * {@code tokenizer.json} whose merges are learned from the built-in preference data. The folder
 * loads like a downloaded model, in dpo4j and in {@code transformers}.
 */
public final class RandomModelFolder {

    /** Vocabulary sizes of the presets: {@code tiny} 512, {@code small} 8192. */
    public static int vocabSize(String preset) {
        return preset.equals("small") ? 8192 : 512;
    }

    private RandomModelFolder() {}

    /** What was written. */
    public record Written(Path folder, ModelArchitecture architecture, int tokenizerVocabSize) {}

    /**
     * @param arch   {@code llama}, {@code qwen2} or {@code gpt2}
     * @param preset {@code tiny} or {@code small}
     * @param out    the folder to create; it may exist only as an empty directory
     * @param seed   seed of the weights
     * @throws UserInputException when {@code out} is a file or a non-empty directory
     */
    public static Written write(String arch, String preset, Path out, long seed) {
        return write(ModelPresets.of(arch, preset, vocabSize(preset)), out, seed);
    }

    /**
     * A folder with the shapes of a given Hugging Face {@code config.json} (e.g. Qwen2.5-0.5B's
     * or Gemma 3 270M's, for benchmarks at a real model's size): its architecture as dpo4j reads
     * it, random weights, and a tokenizer learned up to its vocabulary size (fewer ids when the
     * built-in corpus has no more merges; the model keeps the config's vocabulary).
     *
     * @param configJson a {@code config.json} of a family dpo4j reads
     * @throws UserInputException naming the file and key when the config is unusable, or as
     *     {@link #write(String, String, Path, long)} for {@code out}
     */
    public static Written fromConfig(Path configJson, Path out, long seed) {
        return write(HfConfigReader.readFile(configJson, 1), out, seed);
    }

    private static Written write(ModelArchitecture architecture, Path out, long seed) {
        out = out.toAbsolutePath().normalize(); // "." or "a/..": name the folder itself, not an entry "." in it
        checkTarget(out);
        ByteLevelBpe.Style style = tokenizerStyle(architecture.family().specialTokens());
        Map<String, byte[]> tokenizerFiles = TokenizerFiles.utf8(ByteLevelBpe.train(
                TinyPrefs.corpus(), architecture.vocabSize(), style, architecture.maxPositions()));
        Path staging = Folders.staging(out);
        boolean published = false;
        try (NDManager manager = NDManager.newBaseManager()) {
            Folders.deleteRecursively(staging);
            Files.createDirectories(staging);
            for (Map.Entry<String, byte[]> file : tokenizerFiles.entrySet()) {
                AtomicFiles.writeBytes(staging.resolve(file.getKey()), file.getValue());
            }
            Map<String, Integer> ids = new LinkedHashMap<>();
            int tokenizerVocab;
            try (HfTokenizer tokenizer = HfTokenizer.load(staging)) {
                if (tokenizer.bosId() >= 0) {
                    ids.put("bos_token_id", tokenizer.bosId());
                }
                ids.put("eos_token_id", tokenizer.eosId());
                ids.put("pad_token_id", tokenizer.padId());
                tokenizerVocab = tokenizer.vocabSize();
            }
            ModelWeights weights = ModelInitializer.randomWeights(architecture, seed, manager);
            new HfModelWriter(SaveDtype.F32, Long.MAX_VALUE)
                    .writeInto(staging, weights, new HfModelWriter.Companions(architecture, Map.of(), ids, null));
            Folders.publish(staging, out);
            published = true;
            return new Written(out, architecture, tokenizerVocab);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model folder " + out + ": " + e.getMessage(), e);
        } finally {
            if (!published) {
                deleteQuietly(staging); // an existing --out folder holds its staging folder: leave it as it was
            }
        }
    }

    /** The byte-level BPE that writes a family's special tokens. */
    private static ByteLevelBpe.Style tokenizerStyle(SpecialTokenStyle specialTokens) {
        return switch (specialTokens) {
            case LLAMA -> ByteLevelBpe.Style.LLAMA;
            case GPT2 -> ByteLevelBpe.Style.GPT2;
        };
    }

    private static void deleteQuietly(Path staging) {
        try {
            Folders.deleteRecursively(staging);
        } catch (IOException e) {
            // best effort: the failure being reported matters more than a hidden leftover
        }
    }

    private static void checkTarget(Path out) {
        if (Files.isRegularFile(out)) {
            throw new UserInputException("--out: " + out + " is a file; give a new or empty folder");
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new UserInputException("--out: " + out + " is not empty; give a new or empty folder");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
