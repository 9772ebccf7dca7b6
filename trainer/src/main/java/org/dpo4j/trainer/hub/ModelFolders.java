package org.dpo4j.trainer.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dpo4j.trainer.common.UserInputException;

/**
 * Turns a {@code model.path}/{@code reference.path} value into a local model folder: a path
 * relative to the working directory, or {@code hf://owner/name[@revision]}, downloaded once into
 * the cache (see {@link HubDownloader}).
 */
public final class ModelFolders {

    private ModelFolders() {}

    /**
     * @param value   the config value; null means no folder
     * @param keyPath where it came from, for messages
     * @return the folder, or null when {@code value} is null
     * @throws UserInputException when a local folder does not exist or a download fails
     */
    public static Path resolve(String value, String keyPath) {
        if (value == null) {
            return null;
        }
        if (HubReference.isHubPath(value)) {
            return HubDownloader.fromSystem(System.err).resolve(HubReference.parse(value, keyPath));
        }
        Path folder = Path.of(value);
        if (!Files.isDirectory(folder)) {
            throw new UserInputException(keyPath + ": " + value + (Files.exists(folder)
                    ? " is a file; expected a Hugging Face model folder"
                    : " does not exist; expected a Hugging Face model folder (config.json, *.safetensors,"
                            + " tokenizer.json) or hf://owner/name"));
        }
        return folder;
    }
}
