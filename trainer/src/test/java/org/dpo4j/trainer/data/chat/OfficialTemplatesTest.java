package org.dpo4j.trainer.data.chat;

import static org.dpo4j.trainer.data.chat.Chats.assistant;
import static org.dpo4j.trainer.data.chat.Chats.system;
import static org.dpo4j.trainer.data.chat.Chats.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;

/**
 * The official chat templates of today's models (src/test/resources/chat/official, sources in
 * its SOURCES.md), each on a system, a multi-turn and, where the template takes tools, a
 * tool-call conversation, rendered with and without the generation prompt. Every expected
 * string is built here from the template's own text: its turn markers, its default system
 * message, its tool preamble, and where the template strips or rewrites content. The same
 * cases were rendered with transformers' Jinja environment (jinja2 3.1, trim_blocks and
 * lstrip_blocks) and gave these strings.
 */
class OfficialTemplatesTest {

    private static final SpecialTokens CHATML = new SpecialTokens("", "<|im_end|>");
    private static final SpecialTokens LLAMA = new SpecialTokens("<|begin_of_text|>", "<|eot_id|>");
    private static final SpecialTokens DEEPSEEK =
            new SpecialTokens("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>");

    /** A system message, a question, an answer. */
    private static final List<ChatMessage> SYSTEM_CHAT =
            List.of(system("You are terse."), user("Hi"), assistant("Hello!"));

    /** Two exchanges, no system message. */
    private static final List<ChatMessage> MULTI_CHAT = List.of(user("Hello"),
            assistant("Hi there!"), user("Tell me a joke."), assistant("No."));

    /** The one tool the tool-call conversations offer, as a JSON schema. */
    private static final Map<String, Object> WEATHER_TOOL = dict("type", "function", "function",
            dict("name", "get_weather", "description", "Get the weather in a city.",
                    "parameters", dict("type", "object",
                            "properties", dict("city",
                                    dict("type", "string", "description", "The city")),
                            "required", List.of("city"))));

    /** {@code WEATHER_TOOL | tojson}: json.dumps on one line, separators ", " and ": ". */
    private static final String WEATHER_JSON = "{\"type\": \"function\", \"function\": {\"name\":"
            + " \"get_weather\", \"description\": \"Get the weather in a city.\", \"parameters\":"
            + " {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\","
            + " \"description\": \"The city\"}}, \"required\": [\"city\"]}}}";

    /** {@code WEATHER_TOOL | tojson(indent=4)}: one item per line, four spaces a level. */
    private static final String WEATHER_JSON_INDENT4 = """
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Get the weather in a city.",
                    "parameters": {
                        "type": "object",
                        "properties": {
                            "city": {
                                "type": "string",
                                "description": "The city"
                            }
                        },
                        "required": [
                            "city"
                        ]
                    }
                }
            }""";

    /** {@code WEATHER_TOOL | string}: Python's repr of the dict, quotes ', ", " and ": ". */
    private static final String WEATHER_REPR = "{'type': 'function', 'function': {'name':"
            + " 'get_weather', 'description': 'Get the weather in a city.', 'parameters':"
            + " {'type': 'object', 'properties': {'city': {'type': 'string', 'description':"
            + " 'The city'}}, 'required': ['city']}}}";

    private static final Map<String, Object> TOOLS = Map.of("tools", List.of(WEATHER_TOOL));

    /**
     * A question, a tool call, its result, the answer. {@code arguments} is a dict for most
     * templates, a JSON string for DeepSeek's; {@code content} of the call turn is "" or none.
     */
    private static List<ChatMessage> toolChat(String callId, Object arguments, String content) {
        Map<String, Object> call = dict("id", callId, "type", "function",
                "function", dict("name", "get_weather", "arguments", arguments));
        return List.of(user("Weather in Paris?"),
                new ChatMessage("assistant", content, Map.of("tool_calls", List.of(call))),
                new ChatMessage("tool", "22 C",
                        dict("tool_call_id", callId, "name", "get_weather")),
                assistant("It is 22 C."));
    }

    private static final List<ChatMessage> TOOL_CHAT = toolChat("call_1", dict("city", "Paris"), "");

    // ---------------------------------------------------------------- Qwen3

    /** ChatML turn: {@code <|im_start|>role⏎text<|im_end|>⏎}. */
    private static String im(String role, String text) {
        return "<|im_start|>" + role + "\n" + text + "<|im_end|>\n";
    }

    /**
     * Qwen3: ChatML; no default system message. An assistant turn after the last user query
     * that is the last message gets a think block, {@code <think>⏎reasoning⏎</think>⏎⏎}, empty
     * when the answer has none; earlier answers are written plainly, their think block (if
     * any) cut off ({@code content.split('</think>')[-1].lstrip('\n')}). The generation prompt
     * is {@code <|im_start|>assistant⏎}, plus an empty think block with
     * {@code enable_thinking=false}.
     */
    @Test
    void qwen3() {
        JinjaChatTemplate qwen3 = official("qwen3.jinja", CHATML);
        String emptyThink = "<think>\n\n</think>\n\n";
        assertRenders(qwen3, SYSTEM_CHAT, Map.of(),
                im("system", "You are terse.") + im("user", "Hi"),
                "<|im_start|>assistant\n", im("assistant", emptyThink + "Hello!"));
        String twoTurns = im("user", "Hello") + im("assistant", "Hi there!")
                + im("user", "Tell me a joke.");
        assertRenders(qwen3, MULTI_CHAT, Map.of(), twoTurns, "<|im_start|>assistant\n",
                im("assistant", emptyThink + "No."));
        assertRenders(qwen3, MULTI_CHAT, Map.of("enable_thinking", false), twoTurns,
                "<|im_start|>assistant\n" + emptyThink, im("assistant", emptyThink + "No."));

        // Reasoning in earlier answers is dropped; in the last answer it is kept, stripped of
        // line breaks at its ends and put back in its block.
        List<ChatMessage> thinking = List.of(user("2+2?"),
                assistant("<think>\nAdd.\n</think>\n\n4"), user("3+3?"),
                assistant("<think>Add again.</think>6"));
        assertRenders(qwen3, thinking, Map.of(),
                im("user", "2+2?") + im("assistant", "4") + im("user", "3+3?"),
                "<|im_start|>assistant\n",
                im("assistant", "<think>\nAdd again.\n</think>\n\n6"));

        // Tools: a system turn listing them as JSON lines; the call as <tool_call> JSON; the
        // result as a user turn in <tool_response>. The last query is still the first user
        // message (a tool result is not a query), so the final answer gets the think block.
        String toolsSystem = "<|im_start|>system\n# Tools\n\nYou may call one or more functions"
                + " to assist with the user query.\n\nYou are provided with function signatures"
                + " within <tools></tools> XML tags:\n<tools>\n" + WEATHER_JSON + "\n</tools>\n\n"
                + QWEN_TOOL_FORMAT + "<|im_end|>\n";
        assertRenders(qwen3, TOOL_CHAT, TOOLS, toolsSystem + im("user", "Weather in Paris?")
                        + im("assistant", QWEN_TOOL_CALL) + im("user", QWEN_TOOL_RESPONSE),
                "<|im_start|>assistant\n", im("assistant", emptyThink + "It is 22 C."));
    }

    private static final String QWEN_TOOL_FORMAT = "For each function call, return a json object"
            + " with function name and arguments within <tool_call></tool_call> XML tags:\n"
            + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
            + "</tool_call>";
    private static final String QWEN_TOOL_CALL = "<tool_call>\n{\"name\": \"get_weather\","
            + " \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
    private static final String QWEN_TOOL_RESPONSE = "<tool_response>\n22 C\n</tool_response>";

    @Test
    void qwen3KeywordArithmeticAndReversedLoopWork() {
        // namespace(last_query_index=messages|length - 1) and messages[::-1] are what failed.
        JinjaChatTemplate qwen3 = official("qwen3.jinja", CHATML);
        assertEquals(im("user", "a") + im("user", "b"),
                qwen3.render(List.of(user("a"), user("b")), false));
    }

    // ---------------------------------------------------------------- Qwen2.5

    private static final String QWEN_DEFAULT_SYSTEM =
            "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    /**
     * Qwen2.5: ChatML with a default system message when the conversation has none; with
     * tools, the system turn is that message, a blank line and the tool preamble.
     */
    @Test
    void qwen25() {
        JinjaChatTemplate qwen = official("qwen2.5.jinja", CHATML);
        assertRenders(qwen, SYSTEM_CHAT, Map.of(),
                im("system", "You are terse.") + im("user", "Hi"),
                "<|im_start|>assistant\n", im("assistant", "Hello!"));
        assertRenders(qwen, MULTI_CHAT, Map.of(), im("system", QWEN_DEFAULT_SYSTEM)
                        + im("user", "Hello") + im("assistant", "Hi there!")
                        + im("user", "Tell me a joke."),
                "<|im_start|>assistant\n", im("assistant", "No."));
        String toolsSystem = im("system", QWEN_DEFAULT_SYSTEM + "\n\n# Tools\n\nYou may call one"
                + " or more functions to assist with the user query.\n\nYou are provided with"
                + " function signatures within <tools></tools> XML tags:\n<tools>\n" + WEATHER_JSON
                + "\n</tools>\n\n" + QWEN_TOOL_FORMAT);
        assertRenders(qwen, TOOL_CHAT, TOOLS, toolsSystem + im("user", "Weather in Paris?")
                        + im("assistant", QWEN_TOOL_CALL) + im("user", QWEN_TOOL_RESPONSE),
                "<|im_start|>assistant\n", im("assistant", "It is 22 C."));
    }

    // ---------------------------------------------------------------- Llama 3.1 and 3.2

    /** {@code <|start_header_id|>role<|end_header_id|>⏎⏎text<|eot_id|>}. */
    private static String header(String role, String text) {
        return "<|start_header_id|>" + role + "<|end_header_id|>\n\n" + text + "<|eot_id|>";
    }

    private static final String LLAMA_PROMPT = "<|start_header_id|>assistant<|end_header_id|>\n\n";

    /** The system turn both Llama templates always write (knowledge cutoff and date). */
    private static String llamaSystem(String environment, String date, String system) {
        return "<|begin_of_text|>" + header("system", environment
                + "Cutting Knowledge Date: December 2023\nToday Date: " + date + "\n\n" + system);
    }

    /**
     * Llama 3.1 and 3.2: BOS, a system turn with the cutoff and the date (3.1: 26 Jul 2024
     * unless {@code date_string} is given), the system message trimmed after it; each turn
     * trimmed. Tools go into the first user turn with a preamble, each as
     * {@code tojson(indent=4)} and a blank line; a tool call is written as
     * {@code {"name": ..., "parameters": ...}}; a tool result is an {@code ipython} turn,
     * printed with {@code tojson} because a string counts as iterable.
     */
    @Test
    void llama31() {
        checkLlama(official("llama3.1.jinja", LLAMA), Map.of(), "26 Jul 2024");
    }

    @Test
    void llama32() {
        checkLlama(official("llama3.2.jinja", LLAMA), Map.of("date_string", "01 Feb 2025"),
                "01 Feb 2025");
    }

    /** Llama 3.2 asks {@code strftime_now is defined} and then writes today's date. */
    @Test
    void llama32WritesTodayWithoutDateString() {
        JinjaChatTemplate llama = official("llama3.2.jinja", LLAMA);
        assertRendersOnSomeDay(date -> llamaSystem("", date, "") + header("user", "Hi") + LLAMA_PROMPT,
                () -> llama.render(List.of(user("Hi")), true), "dd MMM yyyy");
    }

    private static void checkLlama(ChatTemplate llama, Map<String, Object> date, String day) {
        assertRenders(llama, SYSTEM_CHAT, date,
                llamaSystem("", day, "You are terse.") + header("user", "Hi"), LLAMA_PROMPT,
                header("assistant", "Hello!"));
        assertRenders(llama, MULTI_CHAT, date, llamaSystem("", day, "") + header("user", "Hello")
                        + header("assistant", "Hi there!") + header("user", "Tell me a joke."),
                LLAMA_PROMPT, header("assistant", "No."));
        Map<String, Object> tools = new LinkedHashMap<>(date);
        tools.putAll(TOOLS);
        String firstUser = header("user", "Given the following functions, please respond with a"
                + " JSON for a function call with its proper arguments that best answers the given"
                + " prompt.\n\nRespond in the format {\"name\": function name, \"parameters\":"
                + " dictionary of argument name and its value}.Do not use variables.\n\n"
                + WEATHER_JSON_INDENT4 + "\n\nWeather in Paris?");
        assertRenders(llama, TOOL_CHAT, tools, llamaSystem("Environment: ipython\n", day, "")
                        + firstUser
                        + header("assistant", "{\"name\": \"get_weather\", \"parameters\":"
                                + " {\"city\": \"Paris\"}}")
                        + header("ipython", "\"22 C\""),
                LLAMA_PROMPT, header("assistant", "It is 22 C."));
    }

    // ---------------------------------------------------------------- Gemma 3

    /**
     * Gemma 3: BOS, {@code <start_of_turn>role⏎content<end_of_turn>⏎} with the assistant called
     * {@code model}; a system message is not a turn but is put before the first user message
     * with a blank line. Roles must alternate user/model, or the template refuses. No tools.
     */
    @Test
    void gemma3() {
        JinjaChatTemplate gemma = official("gemma3.jinja", new SpecialTokens("<bos>", "<eos>"));
        assertRenders(gemma, SYSTEM_CHAT, Map.of(),
                "<bos>" + turn("user", "You are terse.\n\nHi"), "<start_of_turn>model\n",
                turn("model", "Hello!"));
        assertRenders(gemma, MULTI_CHAT, Map.of(), "<bos>" + turn("user", "Hello")
                        + turn("model", "Hi there!") + turn("user", "Tell me a joke."),
                "<start_of_turn>model\n", turn("model", "No."));
        UserInputException e = assertThrows(UserInputException.class,
                () -> gemma.render(List.of(user("a"), user("b")), true));
        assertEquals("chat template gemma3.jinja refused the conversation: Conversation roles"
                + " must alternate user/assistant/user/assistant/...", e.getMessage());
    }

    private static String turn(String role, String text) {
        return "<start_of_turn>" + role + "\n" + text + "<end_of_turn>\n";
    }

    // ---------------------------------------------------------------- SmolLM2 and SmolLM3

    /** SmolLM2: ChatML with its own default system message when the first message is not one. */
    @Test
    void smolLm2() {
        JinjaChatTemplate smol = official("smollm2.jinja", new SpecialTokens("<|im_start|>", "<|im_end|>"));
        assertRenders(smol, SYSTEM_CHAT, Map.of(),
                im("system", "You are terse.") + im("user", "Hi"), "<|im_start|>assistant\n",
                im("assistant", "Hello!"));
        assertRenders(smol, MULTI_CHAT, Map.of(), im("system", "You are a helpful AI assistant"
                        + " named SmolLM, trained by Hugging Face") + im("user", "Hello")
                        + im("assistant", "Hi there!") + im("user", "Tell me a joke."),
                "<|im_start|>assistant\n", im("assistant", "No."));
    }

    /** The instructions SmolLM3 writes in thinking mode when the conversation has none. */
    private static final String SMOL3_THINKING = "You are a helpful AI assistant named SmolLM,"
            + " trained by Hugging Face. Your role as an assistant involves thoroughly exploring"
            + " questions through a systematic thinking process before providing the final precise"
            + " and accurate solutions. This requires engaging in a comprehensive cycle of analysis,"
            + " summarizing, exploration, reassessment, reflection, backtracking, and iteration to"
            + " develop well-considered thinking process. Please structure your response into two"
            + " main sections: Thought and Solution using the specified format: <think> Thought"
            + " section </think> Solution section. In the Thought section, detail your reasoning"
            + " process in steps. Each step should include detailed considerations such as"
            + " analysing questions, summarizing relevant findings, brainstorming new ideas,"
            + " verifying the accuracy of the current steps, refining any errors, and revisiting"
            + " previous steps. In the Solution section, based on various attempts, explorations,"
            + " and reflections from the Thought section, systematically present the final"
            + " solution that you deem correct. The Solution section should be logical, accurate,"
            + " and concise and detail necessary steps needed to reach the conclusion.";

    /** SmolLM3's system turn: metadata with today's date, then the instructions. */
    private static String smol3System(String date, String mode, String instructions) {
        return "<|im_start|>system\n## Metadata\n\nKnowledge Cutoff Date: June 2025\nToday Date: "
                + date + "\nReasoning Mode: " + mode + "\n\n## Custom Instructions\n\n"
                + instructions + "\n\n";
    }

    /**
     * SmolLM3: a system turn of metadata (today's date, {@code strftime_now("%d %B %Y")}, the
     * reasoning mode) and instructions: the system message, else a long default in thinking
     * mode or a short one with {@code enable_thinking=false}. The template closes that turn with
     * {@code <|im_end|>} only when tools are listed (as Python reprs of the dicts). With thinking
     * off, answers and the generation prompt carry an empty {@code <think>⏎⏎</think>⏎}. A tool
     * call turn prints only its (empty) content; a tool result is a user turn.
     */
    @Test
    void smolLm3() {
        JinjaChatTemplate smol = official("smollm3.jinja", new SpecialTokens("<|im_start|>", "<|im_end|>"));
        String assistantOpen = "<|im_start|>assistant\n";
        assertRendersOnSomeDay(date -> smol3System(date, "/think", "You are terse.")
                        + im("user", "Hi") + im("assistant", "Hello!"),
                () -> smol.render(SYSTEM_CHAT, false), "dd MMMM yyyy");
        assertRendersOnSomeDay(date -> smol3System(date, "/think", "You are terse.")
                        + im("user", "Hi") + assistantOpen,
                () -> smol.render(SYSTEM_CHAT.subList(0, 2), true), "dd MMMM yyyy");
        assertRendersOnSomeDay(date -> smol3System(date, "/think", SMOL3_THINKING)
                        + im("user", "Hello") + im("assistant", "Hi there!")
                        + im("user", "Tell me a joke.") + im("assistant", "No."),
                () -> smol.render(MULTI_CHAT, false), "dd MMMM yyyy");
        String noThink = "<think>\n\n</think>\n";
        assertRendersOnSomeDay(date -> smol3System(date, "/no_think", "You are a helpful AI"
                        + " assistant named SmolLM, trained by Hugging Face.")
                        + im("user", "Hello") + im("assistant", noThink + "Hi there!")
                        + im("user", "Tell me a joke.") + assistantOpen + noThink,
                () -> smol.render(MULTI_CHAT.subList(0, 3), true, Map.of("enable_thinking", false)),
                "dd MMMM yyyy");
        String toolsBlock = "### Tools\n\nYou may call one or more functions to assist with the"
                + " user query.\nYou are provided with function signatures within <tools></tools>"
                + " XML tags:\n\n<tools>\n" + WEATHER_REPR + "\n</tools>\n\n" + QWEN_TOOL_FORMAT
                + "\n\n<|im_end|>\n";
        assertRendersOnSomeDay(date -> smol3System(date, "/think", SMOL3_THINKING) + toolsBlock
                        + im("user", "Weather in Paris?") + im("assistant", "")
                        + im("user", "22 C") + im("assistant", "It is 22 C."),
                () -> smol.render(TOOL_CHAT, false, TOOLS), "dd MMMM yyyy");
    }

    // ---------------------------------------------------------------- Mistral v0.3

    /**
     * Mistral v0.3: BOS, then {@code  [INST] q [/INST]} and {@code  a </s>} per exchange (each
     * with its leading space); system messages are left out. Tools: {@code [AVAILABLE_TOOLS]}
     * before the last user message (each tool's function re-serialized key by key), a call as
     * {@code [TOOL_CALLS]} JSON and EOS, a result as {@code [TOOL_RESULTS]} with the content
     * printed as it is.
     */
    @Test
    void mistral() {
        JinjaChatTemplate mistral = official("mistral-v0.3.jinja", new SpecialTokens("<s>", "</s>"));
        assertRenders(mistral, SYSTEM_CHAT, Map.of(), "<s> [INST] Hi [/INST]", "",
                " Hello! </s>");
        assertRenders(mistral, MULTI_CHAT, Map.of(),
                "<s> [INST] Hello [/INST] Hi there! </s> [INST] Tell me a joke. [/INST]", "",
                " No. </s>");
        List<ChatMessage> tools = toolChat("abcdefghi", dict("city", "Paris"), "");
        assertRenders(mistral, tools, TOOLS, "<s> [AVAILABLE_TOOLS] [" + WEATHER_JSON
                        + "] [/AVAILABLE_TOOLS] [INST] Weather in Paris? [/INST] [TOOL_CALLS]"
                        + " [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"},"
                        + " \"id\": \"abcdefghi\"}] </s> [TOOL_RESULTS] {\"call_id\":"
                        + " \"abcdefghi\", \"content\": 22 C} [/TOOL_RESULTS] ", "",
                " It is 22 C. </s>");
    }

    // ---------------------------------------------------------------- DeepSeek-R1

    /**
     * DeepSeek-R1: BOS and the system messages (joined by blank lines) first, then
     * {@code <｜User｜>q} and {@code <｜Assistant｜>a<｜end▁of▁sentence｜>}, an answer's think block
     * cut off ({@code content.split('</think>')[-1]}). A call turn (content none) lists the
     * calls with their JSON arguments in a fenced block; results are wrapped in tool-output
     * markers; the answer after them follows the outputs' end marker directly.
     */
    @Test
    void deepSeekR1() {
        JinjaChatTemplate r1 = official("deepseek-r1.jinja", DEEPSEEK);
        String bos = "<｜begin▁of▁sentence｜>";
        String eos = "<｜end▁of▁sentence｜>";
        assertRenders(r1, SYSTEM_CHAT, Map.of(), bos + "You are terse.<｜User｜>Hi",
                "<｜Assistant｜>", "<｜Assistant｜>Hello!" + eos);
        assertRenders(r1, MULTI_CHAT, Map.of(),
                bos + "<｜User｜>Hello<｜Assistant｜>Hi there!" + eos + "<｜User｜>Tell me a joke.",
                "<｜Assistant｜>", "<｜Assistant｜>No." + eos);
        assertEquals(bos + "<｜User｜>Hi<｜Assistant｜>Hi!" + eos,
                r1.render(List.of(user("Hi"), assistant("<think>Greeting.</think>Hi!")), false));
        List<ChatMessage> tools = toolChat("call_1", "{\"city\": \"Paris\"}", null);
        String calls = "<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>"
                + "get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>"
                + "<｜tool▁calls▁end｜>" + eos;
        String outputs = "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>22 C<｜tool▁output▁end｜>";
        assertRenders(r1, tools, TOOLS, bos + "<｜User｜>Weather in Paris?" + calls + outputs,
                "<｜tool▁outputs▁end｜>", "<｜tool▁outputs▁end｜>It is 22 C." + eos);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The conversation without its last message, rendered with the generation prompt, is
     * {@code before + prompt}; the whole conversation without it is {@code before + last}.
     */
    private static void assertRenders(ChatTemplate template, List<ChatMessage> conversation,
            Map<String, Object> variables, String before, String prompt, String last) {
        JinjaChatTemplate jinja = (JinjaChatTemplate) template;
        List<ChatMessage> head = conversation.subList(0, conversation.size() - 1);
        assertEquals(before + prompt, jinja.render(head, true, variables),
                template.name() + " with the generation prompt");
        assertEquals(before + last, jinja.render(conversation, false, variables),
                template.name() + " with the answer");
    }

    /**
     * For templates that write today's date: the rendering matches the expected text for the
     * date read just before or just after it (rendering may straddle midnight).
     */
    private static void assertRendersOnSomeDay(Function<String, String> expected,
            java.util.function.Supplier<String> render, String pattern) {
        DateTimeFormatter format = DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH);
        String before = LocalDate.now().format(format);
        String rendered = render.get();
        String after = LocalDate.now().format(format);
        assertTrue(rendered.equals(expected.apply(before)) || rendered.equals(expected.apply(after)),
                () -> "expected\n" + expected.apply(before) + "\nbut got\n" + rendered);
    }

    private static JinjaChatTemplate official(String name, SpecialTokens tokens) {
        try {
            String text = Files.readString(Chats.resource("official/" + name),
                    StandardCharsets.UTF_8);
            return JinjaChatTemplate.compile(name, text, tokens);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A dict in key order, as JSON reads one. */
    private static Map<String, Object> dict(Object... keysAndValues) {
        Map<String, Object> dict = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            dict.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return dict;
    }
}
