package org.dpo4j.trainer.data.chat;

import java.util.List;

/**
 * Turns a conversation into the text a model is trained on, as Hugging Face's
 * {@code tokenizer.apply_chat_template(messages, tokenize=False,
 * add_generation_prompt=...)} does.
 *
 * <p>The data pipeline relies on one property: {@code render(prompt, true)} is a prefix of
 * {@code render(prompt + [assistant answer], false)}, so the answer's text is what follows the
 * rendered prompt. It holds for the built-in templates and the usual model templates; see
 * {@link ChatTemplates} for those where it does not.
 */
public interface ChatTemplate {

    /**
     * @param messages            the conversation, in order
     * @param addGenerationPrompt append what opens an assistant turn ({@code
     *                            <|im_start|>assistant\n} for ChatML)
     * @throws org.dpo4j.trainer.common.UserInputException one line: the template refused the
     *     conversation ({@code raise_exception}), or used something dpo4j does not support
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /** Where the template comes from, for messages: {@code chatml (built-in)}, a file. */
    String name();
}
