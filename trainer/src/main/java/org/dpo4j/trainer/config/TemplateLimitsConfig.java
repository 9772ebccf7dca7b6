package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code data.template_limits}: how much work rendering one record's chat template may do. A
 * template comes with the model (its {@code tokenizer_config.json}), so from whoever published
 * it; these bounds make a hostile or broken one fail fast instead of exhausting memory or
 * running forever. Exceeding one makes the record bad ({@code data.on_bad_record}), with a
 * message naming the limit and this key.
 *
 * @param maxRange          most items one {@code range()} may make (Python's Jinja sandbox:
 *                          100,000)
 * @param maxLoopIterations most loop iterations in one rendering, all loops together
 * @param maxOutputChars    most characters of output, and of any string the template builds
 * @param maxRenderMs       most milliseconds one rendering may take (checked at each loop
 *                          iteration and each string built)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TemplateLimitsConfig(Integer maxRange, Integer maxLoopIterations, Integer maxOutputChars,
        Integer maxRenderMs) {

    /** The defaults of the embedded run (and of templates rendered outside a run). */
    public static final TemplateLimitsConfig DEFAULTS = new TemplateLimitsConfig(100_000, 1_000_000, 10_000_000, 10_000);

    public TemplateLimitsConfig {
        Check.atLeast("max_range", maxRange, 1);
        Check.atLeast("max_loop_iterations", maxLoopIterations, 1);
        Check.atLeast("max_output_chars", maxOutputChars, 1);
        Check.atLeast("max_render_ms", maxRenderMs, 1);
    }
}
