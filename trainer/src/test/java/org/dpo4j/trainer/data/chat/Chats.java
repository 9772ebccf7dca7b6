package org.dpo4j.trainer.data.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Conversations and template files shared by the chat template tests. */
final class Chats {

    /** A system message and a user turn: the prompt most tests render. */
    static final List<ChatMessage> PROMPT = List.of(system("You are terse."), user("Hi"));

    /** Two user turns around an answer; the first has whitespace a template may strip. */
    static final List<ChatMessage> MULTI = List.of(
            user("  Hello \n"), assistant("Hi there!"), user("Tell me a joke."));

    private Chats() {}

    static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** {@code messages} followed by {@code more}. */
    static List<ChatMessage> plus(List<ChatMessage> messages, ChatMessage... more) {
        List<ChatMessage> all = new ArrayList<>(messages);
        all.addAll(List.of(more));
        return all;
    }

    /** A template under {@code src/test/resources/chat/}. */
    static Path resource(String name) {
        try {
            return Path.of(Chats.class.getResource("/chat/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JinjaChatTemplate fromResource(String name, SpecialTokens tokens) {
        try {
            String text = Files.readString(resource(name), StandardCharsets.UTF_8);
            return JinjaChatTemplate.compile(name, text, tokens);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Renders an inline template on {@link #MULTI} with the generation prompt. */
    static String render(String template) {
        return JinjaChatTemplate.compile("inline", template, new SpecialTokens("<s>", "</s>"))
                .render(MULTI, true);
    }

    /**
     * What the data pipeline relies on: the prompt rendered with the generation prompt is a
     * prefix of the prompt and answer rendered without it.
     */
    static void assertPrefixProperty(ChatTemplate template, List<ChatMessage> prompt, String answer) {
        String promptText = template.render(prompt, true);
        String fullText = template.render(plus(prompt, assistant(answer)), false);
        assertTrue(fullText.startsWith(promptText), () -> template.name()
                + ": prompt\n" + promptText + "\nis not a prefix of\n" + fullText);
    }
}
