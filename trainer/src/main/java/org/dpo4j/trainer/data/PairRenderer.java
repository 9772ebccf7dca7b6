package org.dpo4j.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.config.TemplateLimitsConfig;
import org.dpo4j.trainer.data.chat.ChatMessage;
import org.dpo4j.trainer.data.chat.ChatTemplate;
import org.dpo4j.trainer.data.chat.ChatTemplates;
import org.dpo4j.trainer.data.source.BadRecord.Reason;
import org.dpo4j.trainer.data.source.BadRecord;

/**
 * Turns examples into text pairs. Text pairs pass unchanged. A conversation is rendered with the
 * chat template ({@code data.chat_template}, resolved on the first conversation), as TRL does:
 * <pre>
 *   prompt   = template(prompt, add_generation_prompt = true)
 *   chosen   = template(prompt + chosen, false) without its prefix {@code prompt}
 *   rejected = template(prompt + rejected, false) without its prefix {@code prompt}
 * </pre>
 * A template that fails, or that does not render the prompt as a prefix of the whole
 * conversation, makes the record bad: its completions could not be told from its prompt.
 */
final class PairRenderer {

    private final String setting;
    private final Path modelFolder;
    private final TemplateLimitsConfig limits;
    private ChatTemplate template;
    private int conversations;

    /**
     * @param setting     {@code data.chat_template}
     * @param modelFolder the policy's folder, or null
     * @param limits      {@code data.template_limits}
     */
    PairRenderer(String setting, Path modelFolder, TemplateLimitsConfig limits) {
        this.setting = setting;
        this.modelFolder = modelFolder;
        this.limits = limits;
    }

    /** A record the template cannot render; carries it as a bad record. */
    static final class RenderException extends Exception {
        private final BadRecord badRecord;

        RenderException(BadRecord badRecord) {
            super(badRecord.line(), null, false, false);
            this.badRecord = badRecord;
        }

        BadRecord badRecord() {
            return badRecord;
        }
    }

    PreferencePair render(PreferenceExample example) throws RenderException {
        if (example instanceof ConversationPair conversation) {
            return render(conversation);
        }
        return (PreferencePair) example;
    }

    private PreferencePair render(ConversationPair pair) throws RenderException {
        if (template == null) {
            template = ChatTemplates.resolve(setting, modelFolder, "data.chat_template", limits);
        }
        conversations++;
        try {
            String prompt = template.render(pair.prompt(), true);
            List<String> extra = new ArrayList<>(pair.extra().size());
            for (List<ChatMessage> more : pair.extra()) {
                extra.add(completion(pair, prompt, more, "completion " + (extra.size() + 3)));
            }
            return new PreferencePair(pair.id(), prompt, completion(pair, prompt, pair.chosen(), "chosen"),
                    completion(pair, prompt, pair.rejected(), "rejected"), extra);
        } catch (RuntimeException e) {
            throw new RenderException(new BadRecord(pair.id(), Reason.TEMPLATE_ERROR,
                    "the chat template failed: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ")));
        }
    }

    private String completion(ConversationPair pair, String prompt, List<ChatMessage> completion, String field)
            throws RenderException {
        List<ChatMessage> conversation = new ArrayList<>(pair.prompt());
        conversation.addAll(completion);
        String full = template.render(conversation, false);
        if (!full.startsWith(prompt)) {
            throw new RenderException(new BadRecord(pair.id(), Reason.TEMPLATE_ERROR,
                    "the chat template does not render the prompt as the start of the conversation with '" + field
                            + "', so the completion cannot be separated from the prompt"));
        }
        return full.substring(prompt.length());
    }

    /** Conversations rendered so far. */
    int conversations() {
        return conversations;
    }

    /** The template's name, or null when no conversation was rendered. */
    String templateName() {
        return template == null ? null : template.name();
    }
}
