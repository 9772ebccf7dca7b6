package org.dpo4j.trainer.data.chat;

import static org.dpo4j.trainer.data.chat.Chats.MULTI;
import static org.dpo4j.trainer.data.chat.Chats.PROMPT;
import static org.dpo4j.trainer.data.chat.Chats.assertPrefixProperty;
import static org.dpo4j.trainer.data.chat.Chats.assistant;
import static org.dpo4j.trainer.data.chat.Chats.fromResource;
import static org.dpo4j.trainer.data.chat.Chats.plus;
import static org.dpo4j.trainer.data.chat.Chats.system;
import static org.dpo4j.trainer.data.chat.Chats.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;

/**
 * Templates as models ship them (src/test/resources/chat), each rendered against a string
 * derived by hand from the template text. The same cases were checked against Jinja 3.1 set up
 * as transformers sets it up.
 */
class ModelTemplateTest {

    private static final SpecialTokens LLAMA = new SpecialTokens("<|begin_of_text|>", "<|eot_id|>");

    /**
     * Qwen2.5 (ChatML): without tools and without a system message, the template writes its
     * default system turn; a leading system message replaces it and is skipped in the loop
     * ({@code message.role == "system" and not loop.first} is false). Every {@code {%-}/{{-}
     * trims the indentation and line breaks between tags.
     */
    @Test
    void qwen25WritesItsDefaultSystemMessage() {
        ChatTemplate qwen = fromResource("qwen2.5.jinja", new SpecialTokens("", "<|im_end|>"));
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud."
                + " You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\n", qwen.render(List.of(user("Hi")), true));
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello!<|im_end|>\n",
                qwen.render(plus(PROMPT, assistant("Hello!")), false));
        assertPrefixProperty(qwen, PROMPT, "Hello!");
        assertPrefixProperty(qwen, MULTI, "Knock knock.");
    }

    /**
     * Llama 3: {@code message['content'] | trim} binds before {@code +}, so only the content is
     * stripped ("  Hello \n" becomes "Hello"); BOS goes before the first message only.
     */
    @Test
    void llama3TrimsContentAndPutsBosFirst() {
        ChatTemplate llama = fromResource("llama3.jinja", LLAMA);
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there!<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nTell me a joke.<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", llama.render(MULTI, true));
        assertPrefixProperty(llama, PROMPT, "Hello!");
    }

    /**
     * Zephyr: each tag sits on its own line (trim_blocks drops the line break after it), each
     * {@code {{ ... }}} is followed by a line break that stays; the string literals hold a raw
     * line break; the generation prompt is written inside the loop, after the last message.
     */
    @Test
    void zephyrPutsEosAfterEachTurn() {
        ChatTemplate zephyr = fromResource("zephyr.jinja", new SpecialTokens("<s>", "</s>"));
        assertEquals("<|system|>\nYou are terse.</s>\n<|user|>\nHi</s>\n<|assistant|>\n",
                zephyr.render(PROMPT, true));
        assertEquals("<|system|>\nYou are terse.</s>\n<|user|>\nHi</s>\n<|assistant|>\nHello!</s>\n",
                zephyr.render(plus(PROMPT, assistant("Hello!")), false));
        assertPrefixProperty(zephyr, PROMPT, "Hello!");
    }

    /**
     * Gemma: BOS, then {@code <start_of_turn>role\ncontent<end_of_turn>\n} with the assistant
     * called "model"; it refuses a system message and roles out of order with
     * {@code raise_exception}.
     */
    @Test
    void gemmaRenamesAssistantAndRefusesBadConversations() {
        ChatTemplate gemma = fromResource("gemma.jinja", new SpecialTokens("<bos>", "<eos>"));
        assertEquals("<bos><start_of_turn>user\nHello<end_of_turn>\n"
                + "<start_of_turn>model\nHi there!<end_of_turn>\n"
                + "<start_of_turn>user\nTell me a joke.<end_of_turn>\n"
                + "<start_of_turn>model\n", gemma.render(MULTI, true));
        assertPrefixProperty(gemma, MULTI, "No.");

        UserInputException order = assertThrows(UserInputException.class,
                () -> gemma.render(List.of(user("a"), user("b")), true));
        assertEquals("chat template gemma.jinja refused the conversation: Conversation roles must"
                + " alternate user/assistant/user/assistant/...", order.getMessage());
        UserInputException systemRole = assertThrows(UserInputException.class,
                () -> gemma.render(PROMPT, true));
        assertEquals("chat template gemma.jinja refused the conversation: System role not supported",
                systemRole.getMessage());
    }

    /**
     * Llama 3.1 (tool-call branches trimmed): {@code not date_string is defined} must read as
     * {@code not (date_string is defined)}; the system message is taken out of
     * {@code messages[1:]} and written after the date lines.
     */
    @Test
    void llama31WritesTheDateHeader() {
        ChatTemplate llama = fromResource("llama3.1.jinja", LLAMA);
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                + "You are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", llama.render(PROMPT, true));
        assertPrefixProperty(llama, PROMPT, "Hello!");
    }

    /**
     * DeepSeek-R1: {@code not add_generation_prompt is defined} is false (it is defined), so the
     * generation prompt {@code <｜Assistant｜><think>\n} is written; an assistant turn keeps only
     * what follows {@code </think>}. The prefix property fails here by design: the generation
     * prompt opens a thinking block that the rendered answer does not have.
     */
    @Test
    void deepSeekR1OpensAThinkingBlockAndDropsReasoning() {
        String bos = "<｜begin▁of▁sentence｜>";
        String eos = "<｜end▁of▁sentence｜>";
        ChatTemplate r1 = fromResource("deepseek-r1.jinja", new SpecialTokens(bos, eos));
        String prompt = r1.render(PROMPT, true);
        assertEquals(bos + "You are terse.<｜User｜>Hi<｜Assistant｜><think>\n", prompt);
        String full = r1.render(plus(PROMPT, assistant("<think>plan</think>Hello!")), false);
        assertEquals(bos + "You are terse.<｜User｜>Hi<｜Assistant｜>Hello!" + eos, full);
        assertFalse(full.startsWith(prompt));
    }

    @Test
    void systemOnlyConversationRendersWithoutTurns() {
        ChatTemplate qwen = fromResource("qwen2.5.jinja", SpecialTokens.NONE);
        assertEquals("<|im_start|>system\nS<|im_end|>\n", qwen.render(List.of(system("S")), false));
    }
}
