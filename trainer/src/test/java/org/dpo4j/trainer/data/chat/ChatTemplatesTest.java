package org.dpo4j.trainer.data.chat;

import static org.dpo4j.trainer.data.chat.Chats.PROMPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplatesTest {

    private static final String KEY = "data.chat_template";
    private static final String BOS_EOS =
            "{{ bos_token }}|{% for m in messages %}{{ m.content }}{% endfor %}|{{ eos_token }}";

    @TempDir
    Path model;

    private void write(String name, String text) throws IOException {
        Files.writeString(model.resolve(name), text);
    }

    @Test
    void autoUsesTheChatTemplateStringOfTokenizerConfig() throws IOException {
        write("tokenizer_config.json",
                "{\"chat_template\": \"[{{ messages|length }}]\", \"eos_token\": \"</s>\"}");
        ChatTemplate template = ChatTemplates.resolve("auto", model, KEY);
        assertEquals("[2]", template.render(PROMPT, true));
        assertEquals(model.resolve("tokenizer_config.json") + " (chat_template)", template.name());
    }

    @Test
    void listFormUsesTheTemplateNamedDefault() throws IOException {
        write("tokenizer_config.json", """
                {"chat_template": [
                  {"name": "tool_use", "template": "tools"},
                  {"name": "default", "template": "default {{ messages[0].role }}"}
                ]}""");
        assertEquals("default system", ChatTemplates.resolve("model", model, KEY).render(PROMPT, false));
    }

    @Test
    void listFormWithoutDefaultFailsNamingTheTemplates() throws IOException {
        write("tokenizer_config.json", "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"t\"}]}");
        UserInputException e = assertThrows(UserInputException.class,
                () -> ChatTemplates.resolve("auto", model, KEY));
        assertEquals(model.resolve("tokenizer_config.json")
                + ": chat_template lists templates [tool_use] but none named 'default'", e.getMessage());
    }

    @Test
    void chatTemplateJinjaFileWinsOverTheConfig() throws IOException {
        write("tokenizer_config.json", "{\"chat_template\": \"from config\"}");
        write("chat_template.jinja", "{% for m in messages %}{{ m.role }};{% endfor %}\n");
        ChatTemplate template = ChatTemplates.resolve("model", model, KEY);
        // The file's final line break is dropped, as Jinja drops it.
        assertEquals("system;user;", template.render(PROMPT, false));
        assertEquals(model.resolve("chat_template.jinja").toString(), template.name());
    }

    @Test
    void bosAndEosComeFromTokenizerConfigAsStringsOrAddedTokens() throws IOException {
        write("tokenizer_config.json", """
                {"chat_template": "%s",
                 "bos_token": {"content": "<s>", "lstrip": false, "special": true},
                 "eos_token": "</s>"}""".formatted(BOS_EOS));
        assertEquals("<s>|You are terse.Hi|</s>", ChatTemplates.resolve("auto", model, KEY).render(PROMPT, false));
    }

    @Test
    void specialTokensMapFillsWhatTokenizerConfigLacks() throws IOException {
        write("tokenizer_config.json", "{\"chat_template\": \"%s\", \"bos_token\": null}".formatted(BOS_EOS));
        write("special_tokens_map.json",
                "{\"bos_token\": {\"content\": \"<|begin_of_text|>\"}, \"eos_token\": \"<|eot_id|>\"}");
        assertEquals("<|begin_of_text|>|You are terse.Hi|<|eot_id|>",
                ChatTemplates.resolve("auto", model, KEY).render(PROMPT, false));
    }

    @Test
    void missingSpecialTokensAreEmptyStrings() throws IOException {
        write("chat_template.jinja", BOS_EOS);
        assertEquals("|You are terse.Hi|", ChatTemplates.resolve("model", model, KEY).render(PROMPT, false));
    }

    @Test
    void autoFallsBackToChatmlWithoutATemplateOrWithoutAFolder() throws IOException {
        write("tokenizer_config.json", "{\"chat_template\": null, \"eos_token\": \"</s>\"}");
        assertEquals("chatml (built-in)", ChatTemplates.resolve("auto", model, KEY).name());
        assertEquals("chatml (built-in)", ChatTemplates.resolve("auto", null, KEY).name());
    }

    @Test
    void builtInNamesIgnoreTheModelsTemplate() throws IOException {
        write("chat_template.jinja", "own");
        assertTrue(ChatTemplates.resolve("plain", model, KEY).render(PROMPT, true).startsWith("system: "));
    }

    @Test
    void modelWithoutATemplateFailsInOneLine() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> ChatTemplates.resolve("model", model, KEY));
        assertEquals(model + ": the model has no chat template (looked for chat_template.jinja and"
                + " \"chat_template\" in tokenizer_config.json); set data.chat_template to one of"
                + " chatml, llama3, plain", e.getMessage());
    }

    @Test
    void modelWithoutAFolderFails() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> ChatTemplates.resolve("model", null, KEY));
        assertEquals("data.chat_template: 'model' needs a model folder", e.getMessage());
    }

    @Test
    void unknownSettingNamesKeyAndAllowedValues() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> ChatTemplates.resolve("ChatML", null, KEY));
        assertEquals("data.chat_template: unknown chat template 'ChatML'; allowed: auto, model,"
                + " chatml, llama3, plain", e.getMessage());
        UserInputException none = assertThrows(UserInputException.class,
                () -> ChatTemplates.resolve(null, null, KEY));
        assertEquals("data.chat_template: unknown chat template (none given); allowed: auto, model,"
                + " chatml, llama3, plain", none.getMessage());
    }

    @Test
    void templateSyntaxErrorFailsAtResolveNamingTheFile() throws IOException {
        write("chat_template.jinja", "{% for m in messages %}\n{{ m.role }}\n");
        UserInputException e = assertThrows(UserInputException.class,
                () -> ChatTemplates.resolve("auto", model, KEY));
        assertEquals(model.resolve("chat_template.jinja") + ": chat template does not parse: Syntax"
                + " error in '{% for m in messages %}': Missing end tag: endfor for tag defined as:"
                + " {% for m in messages %} (line 1)", e.getMessage());
    }

    @Test
    void badExpressionInAnUntakenBranchFailsAtResolve() throws IOException {
        write("tokenizer_config.json", "{\"chat_template\": \"{% if false %}{{ 'a' + }}{% endif %}ok\"}");
        UserInputException e = assertThrows(UserInputException.class,
                () -> ChatTemplates.resolve("model", model, KEY));
        assertTrue(e.getMessage().startsWith(model.resolve("tokenizer_config.json")
                + " (chat_template): chat template does not parse: Error parsing ''a' +'"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void malformedTokenizerConfigFailsWithFileAndPosition() throws IOException {
        write("tokenizer_config.json", "{\"chat_template\": ");
        UserInputException e = assertThrows(UserInputException.class,
                () -> ChatTemplates.resolve("auto", model, KEY));
        assertTrue(e.getMessage().startsWith(model.resolve("tokenizer_config.json") + ":1:"), e.getMessage());
    }

    @Test
    void nonStringChatTemplateFails() throws IOException {
        write("tokenizer_config.json", "{\"chat_template\": 3}");
        UserInputException e = assertThrows(UserInputException.class,
                () -> ChatTemplates.resolve("auto", model, KEY));
        assertEquals(model.resolve("tokenizer_config.json")
                + ": chat_template must be a string or a list of {\"name\", \"template\"}, got NUMBER",
                e.getMessage());
    }

    @Test
    void resolvedTemplateRendersOnSeveralThreads() throws Exception {
        ChatTemplate chatml = ChatTemplates.resolve("chatml", null, KEY);
        String expected = chatml.render(PROMPT, true);
        List<Thread> threads = new ArrayList<>();
        AtomicInteger wrong = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    if (!chatml.render(PROMPT, true).equals(expected)) {
                        wrong.incrementAndGet();
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, wrong.get());
    }
}
