package org.dpo4j.trainer.data.chat;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The chat templates dpo4j ships, written in Jinja and rendered by the same engine as a model's
 * own. Layouts, {@code ⏎} standing for a line break:
 *
 * <ul>
 *   <li>{@code chatml}: {@code <|im_start|>role⏎content<|im_end|>⏎} per message; generation
 *       prompt {@code <|im_start|>assistant⏎} (Qwen's, without a default system message);
 *   <li>{@code llama3}: {@code <|begin_of_text|>} once, then
 *       {@code <|start_header_id|>role<|end_header_id|>⏎⏎content<|eot_id|>} per message, the
 *       content stripped of surrounding whitespace; generation prompt
 *       {@code <|start_header_id|>assistant<|end_header_id|>⏎⏎} (Meta Llama 3's, with the BOS
 *       text written out rather than taken from the tokenizer);
 *   <li>{@code plain}: {@code role: content⏎} per message, the content stripped of surrounding
 *       whitespace so that turns are never separated by blank lines (blank lines inside a
 *       message stay); generation prompt {@code assistant: } (with its space). No special
 *       tokens: for models without a chat format.
 * </ul>
 */
enum BuiltinTemplate {
    CHATML("{% for message in messages %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content']"
            + " + '<|im_end|>\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"),
    LLAMA3("{{ '<|begin_of_text|>' }}"
            + "{% for message in messages %}"
            + "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
            + " + message['content'] | trim + '<|eot_id|>' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}"
            + "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
            + "{% endif %}"),
    PLAIN("{% for message in messages %}"
            + "{{ message['role'] + ': ' + message['content'] | trim + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}");

    private final String jinja;
    private volatile JinjaChatTemplate compiled;

    BuiltinTemplate(String jinja) {
        this.jinja = jinja;
    }

    /** The setting value that names it: {@code chatml}, {@code llama3}, {@code plain}. */
    String settingName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Jinja text. */
    String jinja() {
        return jinja;
    }

    /** The template, compiled on first use. */
    JinjaChatTemplate template() {
        JinjaChatTemplate template = compiled;
        if (template == null) {
            // The texts use no special-token variables, so one compilation serves every model.
            template = JinjaChatTemplate.compile(settingName() + " (built-in)", jinja,
                    SpecialTokens.NONE);
            compiled = template;
        }
        return template;
    }

    static Optional<BuiltinTemplate> named(String settingName) {
        return Arrays.stream(values()).filter(t -> t.settingName().equals(settingName)).findFirst();
    }
}
