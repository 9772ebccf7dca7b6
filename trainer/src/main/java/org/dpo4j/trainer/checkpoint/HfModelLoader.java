package org.dpo4j.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.registry.HfConfigReader;

/**
 * Loads a Hugging Face model folder: {@code config.json} through {@link HfConfigReader}, then
 * every parameter the architecture declares from the safetensors files, one tensor at a time
 * (BF16 and F16 widened to float32 in Java), so that loading needs little more than the model's
 * float32 size. Checkpoint tensors that are not parameters (GPT-2's attention-mask buffers,
 * rotary caches) are skipped; a missing tensor or a wrong shape fails naming the file, the
 * tensor and expected vs found.
 */
public final class HfModelLoader {

    private HfModelLoader() {}

    /**
     * @param folder    a Hugging Face model folder
     * @param maxLength the longest row the run feeds the model (see {@link HfConfigReader#read})
     * @param manager   parent manager; the weights get a child manager of it (closed on failure)
     * @throws UserInputException when the folder, its config or its weights are unusable
     */
    public static LoadedModel load(Path folder, int maxLength, NDManager manager) {
        ModelArchitecture architecture = HfConfigReader.read(folder, maxLength);
        NDManager weightsManager = manager.newSubManager();
        try (CheckpointFiles files = CheckpointFiles.open(folder)) {
            Map<String, String> stored = storedNames(architecture, files);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> parameter : architecture.tensorShapes().entrySet()) {
                String name = parameter.getKey();
                String storedName = stored.remove(name);
                if (storedName == null) {
                    throw new UserInputException(CheckpointFiles.missingTensor(folder, name, parameter.getValue()));
                }
                tensors.put(name, files.load(storedName, parameter.getValue(), weightsManager));
            }
            List<String> unused = new ArrayList<>(stored.values());
            unused.removeIf(n -> isBuffer(architecture, n) || isTiedHead(architecture, n));
            return new LoadedModel(folder, architecture, new ModelWeights(weightsManager, tensors), List.copyOf(unused));
        } catch (RuntimeException e) {
            weightsManager.close();
            throw e;
        }
    }

    /**
     * Checks a folder as {@link #load} would, without reading any weights: {@code config.json},
     * every safetensors header, and the presence and shape of every parameter.
     *
     * @param folder    a Hugging Face model folder
     * @param maxLength the longest row the run feeds the model (see {@link HfConfigReader#read})
     * @return the folder's architecture
     * @throws UserInputException with the message {@link #load} would give
     */
    public static ModelArchitecture check(Path folder, int maxLength) {
        ModelArchitecture architecture = HfConfigReader.read(folder, maxLength);
        try (CheckpointFiles files = CheckpointFiles.open(folder)) {
            Map<String, String> stored = storedNames(architecture, files);
            for (Map.Entry<String, Shape> parameter : architecture.tensorShapes().entrySet()) {
                String storedName = stored.get(parameter.getKey());
                if (storedName == null) {
                    throw new UserInputException(
                            CheckpointFiles.missingTensor(folder, parameter.getKey(), parameter.getValue()));
                }
                files.require(storedName, parameter.getValue());
            }
        }
        return architecture;
    }

    /**
     * Canonical parameter name to the name stored in the files ({@link
     * org.dpo4j.trainer.model.ModelFamily#canonicalTensorName}: GPT-2 files name the body with or
     * without {@code transformer.}); a file holding both spellings of one tensor is ambiguous.
     */
    private static Map<String, String> storedNames(ModelArchitecture architecture, CheckpointFiles files) {
        Map<String, String> byCanonical = new LinkedHashMap<>();
        for (String storedName : files.entries().keySet()) {
            String canonical = architecture.family().canonicalTensorName(storedName);
            String previous = byCanonical.put(canonical, storedName);
            if (previous != null) {
                throw new UserInputException(files.directory() + ": tensors " + previous + " and " + storedName
                        + " are the same parameter " + canonical + "; keep one");
            }
        }
        return byCanonical;
    }

    /** Non-parameter tensors that real checkpoints carry. */
    private static boolean isBuffer(ModelArchitecture architecture, String storedName) {
        return architecture.family().isBuffer(storedName);
    }

    /** Some tied checkpoints also store the head; transformers ignores it, and so do we. */
    private static boolean isTiedHead(ModelArchitecture architecture, String storedName) {
        return architecture.tieWordEmbeddings() && storedName.equals("lm_head.weight");
    }
}
