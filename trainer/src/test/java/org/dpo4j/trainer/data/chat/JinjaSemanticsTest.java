package org.dpo4j.trainer.data.chat;

import static org.dpo4j.trainer.data.chat.Chats.render;
import static org.dpo4j.trainer.data.chat.Chats.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;

/**
 * Where Jinjava alone renders differently from Jinja as transformers configures it, and what
 * dpo4j does about it. Templates run on {@link Chats#MULTI}: "  Hello \n", "Hi there!",
 * "Tell me a joke." (user, assistant, user). Expected strings follow Python's semantics.
 */
class JinjaSemanticsTest {

    private static String failure(String template) {
        return assertThrows(UserInputException.class, () -> render(template)).getMessage();
    }

    @Test
    void pythonStringMethods() {
        assertEquals("Hello|Hello \n|  Hello|True|False|4",
                render("{% set c = messages[0].content %}{{ c.strip() }}|{{ c.lstrip() }}|{{ c.rstrip() }}"
                        + "|{{ c.startswith('  H') }}|{{ c.endswith(('x', 'y')) }}|{{ c.find('l') }}"));
        assertEquals("[\"Tell\", \"me a joke.\"]|TELL ME A JOKE.|tell-me-a-joke.",
                render("{% set c = messages[2].content %}{{ c.split(' ', 1)|tojson }}|{{ c.upper() }}"
                        + "|{{ c.lower().replace(' ', '-') }}"));
        // Python's whitespace includes U+00A0, which Java's String.strip keeps.
        assertEquals("x", render("{{ '\u00a0x\u00a0'.strip() }}"));
    }

    @Test
    void unsupportedStringMethodFailsNamingIt() {
        assertEquals("chat template inline failed: str.format() is not supported in chat templates"
                + " (line 1)", failure("{{ '{}'.format(1) }}"));
    }

    @Test
    void tojsonIsPythonsJsonDumps() {
        assertEquals("{\"role\": \"user\", \"content\": \"  Hello \\n\"}", render("{{ messages[0]|tojson }}"));
        assertEquals("[\n  1,\n  \"é\"\n]", render("{{ [1, 'é']|tojson(indent=2) }}"));
    }

    @Test
    void trimIsPythonStrip() {
        assertEquals("[Hello]", render("[{{ messages[0].content|trim }}]"));
    }

    @Test
    void loopVariablesAndNamespace() {
        assertEquals("0:True:False,1:False:False,2:False:True|2",
                render("{% set ns = namespace(users=0) %}{% for m in messages %}"
                        + "{{ loop.index0 }}:{{ loop.first }}:{{ loop.last }}{% if not loop.last %},{% endif %}"
                        + "{% if m.role == 'user' %}{% set ns.users = ns.users + 1 %}{% endif %}{% endfor %}"
                        + "|{{ ns.users }}"));
    }

    @Test
    void lstripBlocksOnlyAtLineStart() {
        // Jinjava's own option would also eat the space after the comma.
        assertEquals("user, assistant, user",
                render("{% for m in messages %}{{ m.role }}{% if not loop.last %}, {% endif %}{% endfor %}"));
        // The tag lines vanish (lstrip_blocks, then trim_blocks); text keeps its indentation.
        assertEquals("a\n    b\nc", render("a\n    {% if true %}\n    b\n    {% endif %}\nc"));
    }

    @Test
    void notBindsLooserThanTests() {
        // Java EL reads (not add_generation_prompt) is defined, which is true.
        assertEquals("kept", render(
                "{% if not add_generation_prompt is defined %}reset{% else %}kept{% endif %}"));
        assertEquals("True", render("{{ not 'a' == 'b' }}"));
    }

    @Test
    void theStringFalseIsTrue() {
        // Jinjava's truth value treats "false" as false, which would change a branch per message.
        assertEquals("yes|yes", render("{% if 'false' %}yes{% endif %}|{{ 'yes' if 'False' else 'no' }}"));
    }

    @Test
    void andOrReturnOperands() {
        assertEquals("b|a|", render("{{ 'a' and 'b' }}|{{ 'a' or 'b' }}|{{ '' and 'b' }}"));
    }

    @Test
    void booleansPrintAsPython() {
        assertEquals("True|False|aTrue", render("{{ true }}|{{ 1 > 2 }}|{{ 'a' ~ true }}"));
    }

    @Test
    void arithmeticAndComparisonAsPython() {
        assertEquals("2|-4|False|True|0.5",
                render("{{ -7 % 3 }}|{{ -7 // 2 }}|{{ 1 == '1' }}|{{ true == 1 }}|{{ 1 / 2 }}"));
    }

    @Test
    void plusRefusesMixedTypesInsteadOfWritingNull() {
        assertEquals("chat template inline failed: unsupported operand types for +: 'str' and"
                + " 'NoneType' (line 1)", failure("{{ 'a' + missing }}"));
    }

    @Test
    void loopFilterAndElse() {
        assertEquals("1:Hello;2:Tell me a joke.;|none",
                render("{% for m in messages if m.role == 'user' %}"
                        + "{{ loop.index }}:{{ m.content|trim }};{% endfor %}"
                        + "|{% for m in messages if m.role == 'tool' %}x{% else %}none{% endfor %}"));
        assertEquals("uau", render("{% for m in messages %}{{ m.role[0] }}{% else %}empty{% endfor %}"));
    }

    @Test
    void stringIndexAndSliceCountCodePoints() {
        assertEquals("😀|b😀|c", render("{% set s = 'ab😀' %}{{ s[-1] }}|{{ s[1:] }}|{{ 'abc'[-1:] }}"));
    }

    @Test
    void messageContentIsNotRenderedAgain() {
        ChatTemplate chatml = ChatTemplates.resolve("chatml", null, "k");
        assertEquals("<|im_start|>user\n{{ 7 * 7 }}<|im_end|>\n",
                chatml.render(List.of(user("{{ 7 * 7 }}")), false));
    }

    @Test
    void generationTagRendersItsBody() {
        assertEquals("[Hi there!]", render("{% for m in messages %}{% if m.role == 'assistant' %}"
                + "[{% generation %}{{ m.content }}{% endgeneration %}]{% endif %}{% endfor %}"));
    }

    @Test
    void strftimeNowFormatsToday() {
        assertEquals(10, render("{{ strftime_now('%Y-%m-%d') }}").length());
    }

    @Test
    void unsupportedFeaturesFailNamingThem() {
        assertEquals("chat template inline failed: 'indent' is not supported (not in Jinja, or"
                + " rendered differently by Jinjava) (line 1)", failure("{{ 'a'|indent }}"));
        // Only when rendering reaches it: a tools-only branch may use what is not supported.
        assertEquals("", render("{% if tools %}{{ tools|indent }}{% endif %}"));
        assertEquals("inline: chat template does not parse: 'raw' is not supported (not in Jinja, or"
                + " rendered differently by Jinjava)", failure("{% raw %}x{% endraw %}"));
        assertEquals("chat template inline failed: loop.previtem is not supported (line 1)",
                failure("{% for m in messages %}{{ loop.previtem }}{% endfor %}"));
    }

    /** {@code str()} of a list or dict is Python's repr. */
    @Test
    void listsAndDictsPrintAsPythonRepr() {
        assertEquals("[1, 'a', \"it's\", None, True, 1.5, {'k': ['\\n']}]",
                render("{{ [1, 'a', \"it's\", none, true, 1.5, {'k': ['\\n']}] }}"));
        assertEquals("{'role': 'user', 'content': '  Hello \\n'}", render("{{ messages[0]|string }}"));
    }

    /** Python slices with steps, on lists and strings (by code points), every part optional. */
    @Test
    void slicesTakeSteps() {
        assertEquals("Tell me a joke.|Hi there!|  Hello \n|",
                render("{% for m in messages[::-1] %}{{ m.content }}|{% endfor %}"));
        assertEquals("[5, 4, 3, 2, 1] bd [4, 5] cba [] [6, 4, 2] a😀",
                render("{{ [1,2,3,4,5][::-1] }} {{ 'abcdef'[1:5:2] }} {{ [1,2,3,4,5][-2:] }}"
                        + " {{ 'abc'[::-1] }} {{ [1,2,3][5:] }} {{ [0,1,2,3,4,5,6][6:0:-2] }}"
                        + " {{ 'xa😀'[1::] }}"));
        assertEquals("chat template inline failed: slice step cannot be zero (line 1)",
                failure("{{ 'abc'[::0] }}"));
    }

    /** A keyword argument's value is a whole expression, as in Python. */
    @Test
    void keywordArgumentsTakeExpressions() {
        assertEquals("2,x,7", render("{% set ns = namespace(a=messages|length - 1,"
                + " b='x' if true else 'y', c=1 + 2 * 3) %}{{ ns.a }},{{ ns.b }},{{ ns.c }}"));
    }

    /** {@code {% break %}} and {@code {% continue %}} (Jinja's loopcontrols extension). */
    @Test
    void loopControls() {
        assertEquals("0134", render("{% for i in range(10) %}{% if i == 2 %}{% continue %}"
                + "{% endif %}{% if i > 4 %}{% break %}{% endif %}{{ i }}{% endfor %}"));
    }

    /** {@code items}: a dict's pairs, unpacked by the loop, also with a loop filter. */
    @Test
    void itemsUnpackInLoops() {
        assertEquals("role=user;content=x;|role=user;",
                render("{% set d = {'role': 'user', 'content': 'x'} %}"
                        + "{% for k, v in d|items %}{{ k }}={{ v }};{% endfor %}|"
                        + "{% for k, v in d|items if k != 'content' %}{{ k }}={{ v }};{% endfor %}"));
    }

    /**
     * Errors name the line Jinja names, also after the line breaks that trim_blocks removes and
     * after multi-line comments.
     */
    @Test
    void errorsNameTheirTemplateLine() {
        assertEquals("chat template inline failed: unsupported operand types for +: 'int' and"
                + " 'str' (line 6)", failure("{# a\n comment #}\n{% for m in messages %}\n"
                + "{% if true %}\n{{ m.role }}\n{{ 1 + 'b' }}\n{% endif %}{% endfor %}"));
        assertEquals("chat template inline failed: unsupported operand types for +: 'int' and"
                + " 'str' (line 4)", failure("{%- set x = 1 -%}\n\n{{- 'a' -}}\n{{- x + 'b' -}}"));
    }

    /** Names transformers defines as functions are defined ({@code strftime_now is defined}). */
    @Test
    void templateFunctionsAreDefined() {
        assertEquals("yes yes", render("{{ 'yes' if strftime_now is defined }}"
                + " {{ 'yes' if raise_exception is defined }}"));
    }

    @Test
    void raiseExceptionMessageIsOneLine() {
        assertEquals("chat template inline refused the conversation: bad order at message 2",
                failure("{{ raise_exception('bad order\\n at message ' ~ (messages|length - 1)) }}"));
    }

    @Test
    void messagesWithoutContentAreRefused() {
        ChatTemplate chatml = ChatTemplates.resolve("chatml", null, "k");
        UserInputException e = assertThrows(UserInputException.class,
                () -> chatml.render(List.of(new ChatMessage("user", null)), true));
        assertEquals("message 0 has no content", e.getMessage());
    }
}
