package org.dpo4j.trainer.data.chat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.TemplateLimitsConfig;

/**
 * Chooses the chat template a run uses, from its setting:
 *
 * <ul>
 *   <li>{@code auto}: the model's own template ({@link ModelTemplateText}: {@code
 *       chat_template.jinja}, else {@code chat_template} in {@code tokenizer_config.json}), and
 *       {@code chatml} when there is no model folder or it has no template;
 *   <li>{@code model}: the model's own template, which must exist;
 *   <li>{@code chatml}, {@code llama3}, {@code plain}: a built-in ({@link BuiltinTemplate}).
 * </ul>
 *
 * A model's template sees the folder's {@code bos_token} and {@code eos_token}
 * ({@link SpecialTokens}). Templates are parsed here, so a broken one fails before any data is
 * read.
 *
 * <p>Prefix property ({@link ChatTemplate}): rendering a prompt with the generation prompt gives
 * a prefix of rendering it followed by an assistant answer. True for the built-ins and for
 * templates whose generation prompt is exactly how they open an assistant turn (ChatML/Qwen2.5,
 * Qwen3, whose last answer then starts with its think block, Llama 3.x, Zephyr, Gemma 3,
 * SmolLM2/3, Mistral, DeepSeek-R1); false for templates that write the generation prompt
 * differently, e.g. one that adds an empty {@code <think></think>} block only to the generation
 * prompt, or one that rewrites earlier turns once an answer follows.
 */
public final class ChatTemplates {

    /** The setting for the model's own template, falling back to chatml. */
    public static final String AUTO = "auto";

    /** The setting for the model's own template, required. */
    public static final String MODEL = "model";

    private ChatTemplates() {}

    /**
     * @param setting     {@code auto}, {@code model}, {@code chatml}, {@code llama3} or
     *                    {@code plain}
     * @param modelFolder the model folder, or {@code null} when there is none
     * @param keyPath     where the setting came from, for messages ({@code data.chat_template})
     * @throws UserInputException one line each: {@code <keyPath>: unknown chat template 'x';
     *     allowed: auto, model, chatml, llama3, plain}; {@code <keyPath>: 'model' needs a model
     *     folder}; {@code <folder>: the model has no chat template (looked for ...); set
     *     <keyPath> to one of chatml, llama3, plain}; {@code <file>: chat template does not
     *     parse: <problem> (line N)}; and a model file that is not readable or not JSON
     */
    public static ChatTemplate resolve(String setting, Path modelFolder, String keyPath) {
        return resolve(setting, modelFolder, keyPath, TemplateLimitsConfig.DEFAULTS);
    }

    /**
     * {@link #resolve(String, Path, String)}, rendering within {@code limits}
     * ({@code data.template_limits}).
     */
    public static ChatTemplate resolve(String setting, Path modelFolder, String keyPath,
            TemplateLimitsConfig limits) {
        return chosen(setting, modelFolder, keyPath).withLimits(limits);
    }

    private static JinjaChatTemplate chosen(String setting, Path modelFolder, String keyPath) {
        if (AUTO.equals(setting)) {
            return (modelFolder == null ? Optional.<JinjaChatTemplate>empty() : own(modelFolder))
                    .orElseGet(BuiltinTemplate.CHATML::template);
        }
        if (MODEL.equals(setting)) {
            if (modelFolder == null) {
                throw new UserInputException(keyPath + ": '" + MODEL + "' needs a model folder");
            }
            return own(modelFolder).orElseThrow(() -> new UserInputException(modelFolder
                    + ": the model has no chat template (looked for " + ModelTemplateText.LOOKED_AT
                    + "); set " + keyPath + " to one of " + builtinNames()));
        }
        return BuiltinTemplate.named(setting).map(BuiltinTemplate::template)
                .orElseThrow(() -> new UserInputException(keyPath + ": unknown chat template "
                        + (setting == null ? "(none given)" : "'" + setting + "'")
                        + "; allowed: " + AUTO + ", " + MODEL + ", " + builtinNames()));
    }

    /**
     * The model's own template, when its folder has one ({@link ModelTemplateText}); for
     * {@code generate}, whose {@code auto} leaves plain-text prompts alone on a model without one.
     *
     * @throws UserInputException when the template is there but does not parse
     */
    public static Optional<ChatTemplate> ofModel(Path modelFolder) {
        return own(modelFolder).map(ChatTemplate.class::cast);
    }

    private static Optional<JinjaChatTemplate> own(Path modelFolder) {
        return ModelTemplateText.find(modelFolder).map(found -> JinjaChatTemplate.compile(
                found.origin(), found.text(), SpecialTokens.read(modelFolder)));
    }

    private static String builtinNames() {
        return Arrays.stream(BuiltinTemplate.values()).map(BuiltinTemplate::settingName)
                .collect(Collectors.joining(", "));
    }
}
