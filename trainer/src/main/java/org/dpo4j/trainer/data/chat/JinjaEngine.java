package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.mode.ExecutionMode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jinjava.javax.el.CompositeELResolver;
import org.dpo4j.trainer.config.TemplateLimitsConfig;

/**
 * The Jinjava instance chat templates render with, set up to behave as transformers' Jinja
 * environment ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)} with
 * the {@code loopcontrols} extension, its {@code tojson}, {@code raise_exception},
 * {@code strftime_now} and {@code {% generation %}}):
 *
 * <ul>
 *   <li>whitespace: {@code -} trimming on expressions and comments too (Jinjava's "legacy"
 *       default ignores it there); {@code trim_blocks} and {@code lstrip_blocks} are done on
 *       the text by {@link JinjaSource};
 *   <li>expressions: Python operators, precedence of {@code not} and truth values
 *       ({@link PythonJinjava}); Python {@code str} methods ({@link PyStringResolver}) and
 *       {@code str()} output ({@link PyOutputStrategy});
 *   <li>filters, tests and tags Jinjava gets wrong, redone ({@link PyFilters},
 *       {@link PyTests}, {@link PyForTag}, {@link PyIfTag}), functions added
 *       ({@link TemplateGlobals}, {@link GenerationTag});
 *   <li>everything Jinja does not have, or that Jinjava does differently and no chat template
 *       needs, switched off ({@link Allowed}): a template using it fails naming it.
 * </ul>
 *
 * One instance is shared: Jinjava renders each call in its own context, so concurrent renders
 * are independent.
 */
final class JinjaEngine {

    /** Renderers by output limit: Jinjava checks the output's size as it grows, per instance. */
    private static final Map<Long, Jinjava> RENDERERS = new ConcurrentHashMap<>();
    private static final Jinjava VALIDATOR =
            create(true, TemplateLimitsConfig.DEFAULTS.maxOutputChars());

    private JinjaEngine() {}

    /**
     * The instance that renders with output of at most {@code maxOutputChars} characters
     * ({@code data.template_limits.max_output_chars}); Jinjava stops a loop or the template
     * whose output grows past it.
     */
    static Jinjava renderer(long maxOutputChars) {
        return RENDERERS.computeIfAbsent(maxOutputChars, max -> create(false, max));
    }

    /**
     * The same set-up in Jinjava's validation mode, which also walks the branches not taken: it
     * reads each expression, so syntax errors show before any data is rendered.
     */
    static Jinjava validator() {
        return VALIDATOR;
    }

    private static Jinjava create(boolean validation, long maxOutputChars) {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyStringResolver());
        resolver.add(new LoopResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        // Jinjava's switches towards Python behaviour. Left off: whitespaceRequiredWithinTokens
        // (Jinjava then no longer reads "{{-" as a tag) and snake-case property names.
        LegacyOverrides python = LegacyOverrides.newBuilder()
                .withEvaluateMapKeys(true) // {key: 1} uses the variable key, as Python
                .withIterateOverMapKeys(true) // for k in dict visits keys
                .withUsePyishObjectMapper(true)
                .withUseNaturalOperatorPrecedence(true) // filters bind tighter than * and +
                .withParseWhitespaceControlStrictly(true)
                // Unmerged text around a comment keeps each side's trimming, as Jinja.
                .withAllowAdjacentTextNodes(true)
                .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} and {#- -#} trim
                .withKeepNullableLoopValues(true)
                .build();
        JinjavaConfig config = JinjavaConfig.newBuilder()
                // lstrip_blocks and trim_blocks are applied to the text beforehand (LstripBlocks,
                // TrimBlocks): Jinjava's differ, and its trim_blocks miscounts lines
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withLegacyOverrides(python)
                .withElResolver(resolver)
                .withDisabled(Allowed.disabled())
                .withExecutionMode(new PythonOutput())
                .withValidationMode(validation)
                .withMaxOutputSize(maxOutputChars)
                .build();
        Jinjava jinjava = new PythonJinjava(config);
        Context globals = jinjava.getGlobalContext();
        PyFilters.all().forEach(globals::registerFilter);
        PyTests.all().forEach(globals::registerExpTest);
        globals.registerTag(new PyForTag());
        globals.registerTag(new PyIfTag());
        TemplateGlobals.all().forEach(globals::registerFunction);
        globals.registerTag(new GenerationTag());
        return jinjava;
    }

    /**
     * Installs {@link PyOutputStrategy} in each render's context: Jinjava copies its global
     * context for every render without the expression strategy, but asks the execution mode to
     * prepare each one.
     */
    private static final class PythonOutput implements ExecutionMode {
        @Override
        public void prepareContext(Context context) {
            context.setExpressionStrategy(new PyOutputStrategy());
        }
    }
}
