package org.dpo4j.trainer.data.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;

/**
 * A model folder's own chat template, found where transformers looks, first found wins:
 *
 * <ol>
 *   <li>{@code chat_template.jinja}: the template as a text file (UTF-8), what transformers
 *       writes since 4.50; it takes precedence over the config, as there;
 *   <li>{@code tokenizer_config.json} {@code "chat_template"}: a string, or a list of named
 *       templates {@code [{"name": "default", "template": "..."}, {"name": "tool_use", ...}]}
 *       of which {@code default} is used (what transformers uses without tools).
 * </ol>
 *
 * An empty or {@code null} template counts as none.
 *
 * @param text   the Jinja text
 * @param origin where it was read, for messages: the file, and the key for the config
 */
record ModelTemplateText(String text, String origin) {

    static final String JINJA_FILE = "chat_template.jinja";
    static final String KEY = "chat_template";

    /** Where {@link #find} looks, for the message when a model has no template. */
    static final String LOOKED_AT = JINJA_FILE + " and \"" + KEY + "\" in "
            + SpecialTokens.TOKENIZER_CONFIG;

    /**
     * @throws UserInputException when a file cannot be read or is not JSON, when
     *     {@code chat_template} has another shape, or when its list has no {@code default}
     *     (naming the templates it has)
     */
    static Optional<ModelTemplateText> find(Path modelFolder) {
        Path jinja = modelFolder.resolve(JINJA_FILE);
        if (Files.isRegularFile(jinja)) {
            String text = read(jinja);
            if (!text.isEmpty()) {
                return Optional.of(new ModelTemplateText(text, jinja.toString()));
            }
        }
        Path config = modelFolder.resolve(SpecialTokens.TOKENIZER_CONFIG);
        return JsonFiles.readIfPresent(config).flatMap(root -> fromConfig(root.path(KEY), config));
    }

    private static Optional<ModelTemplateText> fromConfig(JsonNode value, Path config) {
        String origin = config + " (" + KEY + ")";
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (value.isTextual()) {
            return value.asText().isEmpty() ? Optional.empty()
                    : Optional.of(new ModelTemplateText(value.asText(), origin));
        }
        if (value.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode entry : value) {
                if (!entry.path("name").isTextual() || !entry.path("template").isTextual()) {
                    throw new UserInputException(config + ": " + KEY + " entries must be"
                            + " {\"name\": string, \"template\": string}, got " + entry);
                }
                String name = entry.path("name").asText();
                if (name.equals("default")) {
                    return Optional.of(new ModelTemplateText(entry.path("template").asText(),
                            config + " (" + KEY + " 'default')"));
                }
                names.add(name);
            }
            throw new UserInputException(config + ": " + KEY + " lists templates " + names
                    + " but none named 'default'");
        }
        throw new UserInputException(config + ": " + KEY + " must be a string or a list of"
                + " {\"name\", \"template\"}, got " + value.getNodeType());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot be read as UTF-8 text (" + e + ")", e);
        }
    }
}
