package org.dpo4j.trainer.data.chat;

import static org.dpo4j.trainer.data.chat.Chats.MULTI;
import static org.dpo4j.trainer.data.chat.Chats.PROMPT;
import static org.dpo4j.trainer.data.chat.Chats.assertPrefixProperty;
import static org.dpo4j.trainer.data.chat.Chats.assistant;
import static org.dpo4j.trainer.data.chat.Chats.plus;
import static org.dpo4j.trainer.data.chat.Chats.user;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuiltinTemplateTest {

    private static ChatTemplate builtin(String name) {
        return ChatTemplates.resolve(name, null, "data.chat_template");
    }

    @Test
    void chatmlWrapsEachMessageAndOpensTheAssistantTurn() {
        assertEquals("""
                <|im_start|>system
                You are terse.<|im_end|>
                <|im_start|>user
                Hi<|im_end|>
                <|im_start|>assistant
                """, builtin("chatml").render(PROMPT, true));
    }

    @Test
    void chatmlKeepsContentAsIsWithoutGenerationPrompt() {
        // "  Hello \n" keeps its spaces and line break: ChatML does not strip.
        assertEquals("<|im_start|>user\n  Hello \n<|im_end|>\n"
                + "<|im_start|>assistant\nHi there!<|im_end|>\n"
                + "<|im_start|>user\nTell me a joke.<|im_end|>\n", builtin("chatml").render(MULTI, false));
    }

    @Test
    void llama3WritesBeginOfTextOnceAndStripsContent() {
        assertEquals("<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", builtin("llama3").render(PROMPT, true));
        assertEquals("<|begin_of_text|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there!<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nTell me a joke.<|eot_id|>",
                builtin("llama3").render(MULTI, false));
    }

    @Test
    void plainWritesRoleColonContentPerLine() {
        assertEquals("system: You are terse.\nuser: Hi\nassistant: ", builtin("plain").render(PROMPT, true));
        assertEquals("user: Hello\nassistant: Hi there!\nuser: Tell me a joke.\n",
                builtin("plain").render(MULTI, false));
    }

    @Test
    void plainKeepsBlankLinesInsideAMessageButNeverAddsOne() {
        List<ChatMessage> messages = List.of(user("a\n\nb\n\n"), assistant("\n c"));
        assertEquals("user: a\n\nb\nassistant: c\n", builtin("plain").render(messages, false));
    }

    @Test
    void emptyConversationIsOnlyTheGenerationPrompt() {
        assertEquals("<|im_start|>assistant\n", builtin("chatml").render(List.of(), true));
        assertEquals("", builtin("plain").render(List.of(), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chatml", "llama3", "plain"})
    void promptWithGenerationPromptIsPrefixOfPromptAndAnswer(String name) {
        assertPrefixProperty(builtin(name), PROMPT, "Hello!");
        assertPrefixProperty(builtin(name), MULTI, " Why did the chicken cross the road? ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chatml", "llama3", "plain"})
    void answerFollowsTheRenderedPrompt(String name) {
        ChatTemplate template = builtin(name);
        String prompt = template.render(PROMPT, true);
        String full = template.render(plus(PROMPT, assistant("Hello!")), false);
        String end = switch (name) {
            case "chatml" -> "<|im_end|>\n";
            case "llama3" -> "<|eot_id|>";
            default -> "\n";
        };
        assertEquals("Hello!" + end, full.substring(prompt.length()));
    }

    @Test
    void namesSayBuiltIn() {
        assertEquals("llama3 (built-in)", builtin("llama3").name());
    }
}
