package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier.AutoCloseableImpl;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.TemplateLimitsConfig;

/**
 * A chat template written in Jinja, rendered the way transformers renders it (see
 * {@link JinjaEngine} for the environment and {@link JinjaSource} for the text).
 *
 * <p>The template sees:
 *
 * <ul>
 *   <li>{@code messages}: a list of dicts {@code {"role": ..., "content": ...}} in that key
 *       order, read-only;
 *   <li>{@code add_generation_prompt}: a boolean;
 *   <li>{@code bos_token}, {@code eos_token}: strings, see {@link SpecialTokens};
 *   <li>{@code raise_exception(message)}, {@code strftime_now(format)}, {@code namespace()},
 *       {@code range()}.
 * </ul>
 *
 * and a message's other fields ({@link ChatMessage#fields()}) after {@code role} and
 * {@code content}. Nothing else transformers passes ({@code tools}, {@code documents}) is
 * defined unless given to {@link #render(List, boolean, Map)}, which is what a template sees
 * when no tools are given. Rendering may run on several threads at once.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    private final String name;
    private final String source;
    private final SpecialTokens tokens;
    private final TemplateLimitsConfig limits;

    private JinjaChatTemplate(String name, String source, SpecialTokens tokens,
            TemplateLimitsConfig limits) {
        this.name = name;
        this.source = source;
        this.tokens = tokens;
        this.limits = limits;
    }

    /**
     * The same template rendering within {@code limits} ({@code data.template_limits}) instead
     * of the defaults.
     */
    public JinjaChatTemplate withLimits(TemplateLimitsConfig limits) {
        return limits.equals(this.limits) ? this : new JinjaChatTemplate(name, source, tokens, limits);
    }

    /**
     * Reads {@code text} as a Jinja template.
     *
     * @param name   where the text comes from, for messages (a file, {@code chatml (built-in)})
     * @param text   the template as written in the file (line breaks and a final newline are
     *               handled as Jinja does)
     * @param tokens {@code bos_token} and {@code eos_token}
     * @throws UserInputException {@code <name>: chat template does not parse: <problem> (line
     *     N)} for a syntax error: a tag not closed or not known, an expression Jinjava cannot
     *     read
     */
    public static JinjaChatTemplate compile(String name, String text, SpecialTokens tokens) {
        String source = JinjaSource.normalize(text);
        Optional<String> problem = TemplateErrors.structural(parseErrors(source))
                .or(() -> TemplateErrors.unreadable(validationErrors(source, tokens)));
        if (problem.isPresent()) {
            throw new UserInputException(name + ": chat template does not parse: " + problem.get());
        }
        return new JinjaChatTemplate(name, source, tokens, TemplateLimitsConfig.DEFAULTS);
    }

    /** The tree: tags (known, allowed), their nesting, unclosed tokens. */
    private static List<TemplateError> parseErrors(String source) {
        Jinjava jinjava = JinjaEngine.renderer(TemplateLimitsConfig.DEFAULTS.maxOutputChars());
        JinjavaConfig config = jinjava.getGlobalConfig();
        // A context of its own, as a render has: the global one does not carry the switched-off
        // tags.
        Context context = new Context(jinjava.getGlobalContext(), Map.of(), config.getDisabled());
        JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava, context, config);
        // The parser reads settings from the current interpreter, as a render would set it.
        try (AutoCloseableImpl<JinjavaInterpreter> current =
                JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            current.value().parse(source);
            return new ArrayList<>(interpreter.getErrorsCopy());
        }
    }

    /**
     * The expressions, which Jinjava reads only when it evaluates them: every branch once, on a
     * sample conversation (an empty one trips Jinjava's validation of loops).
     */
    private static List<TemplateError> validationErrors(String source, SpecialTokens tokens) {
        List<ChatMessage> sample = List.of(new ChatMessage("system", "s"),
                new ChatMessage("user", "u"), new ChatMessage("assistant", "a"),
                new ChatMessage("user", "u"));
        try (RenderBudget budget = RenderBudget.open(TemplateLimitsConfig.DEFAULTS)) {
            return JinjaEngine.validator().renderForResult(source, bindings(sample, true, tokens))
                    .getErrors();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws UserInputException {@code chat template <name> refused the conversation:
     *     <message>} when the template calls {@code raise_exception}; {@code chat template
     *     <name> stopped: <limit>; raise it if the template is trusted} when rendering exceeds
     *     one of its limits ({@link RenderBudget}); {@code chat template <name> failed:
     *     <problem> (line N)} for any other error
     */
    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders as {@code apply_chat_template(messages, tools=..., **kwargs)} does: each of
     * {@code variables} is one more name the template sees ({@code tools}, {@code documents},
     * {@code enable_thinking}, {@code date_string}), values as read from JSON (maps, lists,
     * strings, numbers, booleans). They come after the usual names, so they may replace
     * {@code bos_token} or {@code eos_token}, as keyword arguments do in transformers.
     *
     * @throws UserInputException as {@link #render(List, boolean)}
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt,
            Map<String, Object> variables) {
        Map<String, Object> bindings = bindings(messages, addGenerationPrompt, tokens);
        bindings.putAll(variables);
        RenderResult result;
        try (RenderBudget budget = RenderBudget.open(limits)) {
            RenderResult rendered = JinjaEngine.renderer(limits.maxOutputChars())
                    .renderForResult(source, bindings);
            Optional<String> exceeded = budget.exceeded().or(() -> TemplateErrors.outputTooBig(
                    rendered.getErrors(), limits.maxOutputChars()));
            if (exceeded.isPresent()) {
                throw new UserInputException("chat template " + name + " stopped: " + exceeded.get());
            }
            result = rendered;
        }
        List<TemplateError> errors = result.getErrors();
        Optional<String> raised = TemplateErrors.raised(errors);
        if (raised.isPresent()) {
            throw new UserInputException("chat template " + name + " refused the conversation: "
                    + raised.get());
        }
        Optional<String> problem = TemplateErrors.fatal(errors);
        if (problem.isPresent()) {
            throw new UserInputException("chat template " + name + " failed: " + problem.get());
        }
        return result.getOutput();
    }

    @Override
    public String name() {
        return name;
    }

    private static Map<String, Object> bindings(List<ChatMessage> messages,
            boolean addGenerationPrompt, SpecialTokens tokens) {
        Map<String, Object> bindings = new HashMap<>(TemplateGlobals.definedNames());
        bindings.put("messages", asDicts(messages));
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", tokens.bos());
        bindings.put("eos_token", tokens.eos());
        return bindings;
    }

    private static List<Map<String, Object>> asDicts(List<ChatMessage> messages) {
        List<Map<String, Object>> dicts = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            // A content of None is what an assistant turn of tool calls has; otherwise Jinjava
            // would print null as "null" in string concatenation.
            if (message.role() == null
                    || (message.content() == null && message.fields().isEmpty())) {
                throw new UserInputException("message " + i + " has no "
                        + (message.role() == null ? "role" : "content"));
            }
            Map<String, Object> dict = new LinkedHashMap<>();
            dict.put("role", message.role());
            dict.put("content", message.content());
            message.fields().forEach(dict::putIfAbsent);
            dicts.add(Collections.unmodifiableMap(dict));
        }
        return Collections.unmodifiableList(dicts);
    }

    @Override
    public String toString() {
        return name;
    }
}
