package org.dpo4j.trainer.data.chat;

import static org.dpo4j.trainer.data.chat.Chats.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.common.ConfigValueException;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.TemplateLimitsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chat template comes with the model, so from strangers: each case of issue 19 (a huge
 * {@code range}, nested loops, a string doubled in a loop) and the output and time bounds stop
 * with one line naming the limit and its key, instead of taking gigabytes or running forever.
 */
class TemplateLimitsTest {

    @TempDir Path dir;

    private static final List<ChatMessage> HI = List.of(user("Hi"));

    /** The template as a model folder's tokenizer_config.json carries it. */
    private ChatTemplate fromModelFolder(String template, TemplateLimitsConfig limits) throws IOException {
        new ObjectMapper().writeValue(dir.resolve("tokenizer_config.json").toFile(),
                Map.of("chat_template", template));
        return ChatTemplates.resolve("model", dir, "data.chat_template", limits);
    }

    private static String stopped(ChatTemplate template) {
        return assertThrows(UserInputException.class, () -> template.render(HI, true)).getMessage();
    }

    private String origin() {
        return dir.resolve("tokenizer_config.json") + " (chat_template)";
    }

    @Test
    void aRangeOfABillionStopsAtMaxRange() throws IOException {
        ChatTemplate template = fromModelFolder("{% for i in range(10**9) %}{% endfor %}",
                TemplateLimitsConfig.DEFAULTS);
        assertEquals("chat template " + origin() + " stopped: range() of 1000000000 items is more"
                + " than data.template_limits.max_range (100000); raise it if the template is"
                + " trusted", stopped(template));
    }

    @Test
    void nestedRangesStopAtMaxLoopIterations() throws IOException {
        ChatTemplate template = fromModelFolder("{% for i in range(100000) %}"
                + "{% for j in range(100000) %}{% endfor %}{% endfor %}", TemplateLimitsConfig.DEFAULTS);
        assertEquals("chat template " + origin() + " stopped: more than"
                + " data.template_limits.max_loop_iterations (1000000) loop iterations; raise it if"
                + " the template is trusted", stopped(template));
    }

    /** Doubling 'x' 30 times would make 2^30 characters; the first string past the limit stops it. */
    @Test
    void aStringDoubledInALoopStopsAtMaxOutputChars() throws IOException {
        ChatTemplate template = fromModelFolder("{% set ns = namespace(s='x') %}"
                + "{% for i in range(30) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
                TemplateLimitsConfig.DEFAULTS);
        // 2^24 = 16777216 is the first power of two above 10,000,000.
        assertEquals("chat template " + origin() + " stopped: a string of 16777216 characters is"
                + " more than data.template_limits.max_output_chars (10000000); raise it if the"
                + " template is trusted", stopped(template));
        ChatTemplate plus = fromModelFolder("{% set ns = namespace(s='x') %}"
                + "{% for i in range(30) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
                TemplateLimitsConfig.DEFAULTS);
        assertEquals("chat template " + origin() + " stopped: a string of 16777216 characters is"
                + " more than data.template_limits.max_output_chars (10000000); raise it if the"
                + " template is trusted", stopped(plus));
        ChatTemplate lists = fromModelFolder("{% set ns = namespace(l=[1]) %}"
                + "{% for i in range(30) %}{% set ns.l = ns.l + ns.l %}{% endfor %}",
                TemplateLimitsConfig.DEFAULTS);
        assertEquals("chat template " + origin() + " stopped: a list of 16777216 items is more"
                + " than data.template_limits.max_output_chars (10000000); raise it if the template"
                + " is trusted", stopped(lists));
    }

    /** Many small pieces of output: the output's size is checked as it grows. */
    @Test
    void outputPastMaxOutputCharsStops() throws IOException {
        TemplateLimitsConfig small = new TemplateLimitsConfig(100_000, 1_000_000, 1_000, 10_000);
        ChatTemplate template = fromModelFolder(
                "{% for i in range(1000) %}{{ 'abcdefghij' }}{% endfor %}", small);
        assertEquals("chat template " + origin() + " stopped: the output is more than"
                + " data.template_limits.max_output_chars (1000) characters; raise it if the"
                + " template is trusted", stopped(template));
        // Within the limit the same template renders.
        ChatTemplate roomy = fromModelFolder(
                "{% for i in range(100) %}{{ 'abcdefghij' }}{% endfor %}", small);
        assertEquals("abcdefghij".repeat(100), roomy.render(HI, true));
    }

    /**
     * 10^10 iterations are allowed here but cannot finish in 50 ms: the deadline, checked at
     * each iteration, stops the loop.
     */
    @Test
    void aLongRenderingStopsAtMaxRenderMs() throws IOException {
        TemplateLimitsConfig fast = new TemplateLimitsConfig(100_000, Integer.MAX_VALUE, 10_000_000, 50);
        ChatTemplate template = fromModelFolder("{% for i in range(100000) %}"
                + "{% for j in range(100000) %}{% endfor %}{% endfor %}", fast);
        assertEquals("chat template " + origin() + " stopped: rendering took more than"
                + " data.template_limits.max_render_ms (50 ms); raise it if the template is"
                + " trusted", stopped(template));
    }

    /** Raising a limit lets a template that needs it render. */
    @Test
    void raisedLimitsLetLargerTemplatesRender() throws IOException {
        TemplateLimitsConfig wide = new TemplateLimitsConfig(200_000, 1_000_000, 10_000_000, 10_000);
        ChatTemplate template = fromModelFolder("{{ range(150000)|length }}", wide);
        assertEquals("150000", template.render(HI, true));
    }

    @Test
    void limitsMustBePositive() {
        ConfigValueException e = assertThrows(ConfigValueException.class,
                () -> new TemplateLimitsConfig(0, 1, 1, 1));
        assertEquals("max_range", e.key());
    }
}
