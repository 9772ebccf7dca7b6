package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * Preference data: where it is, how to read it, how to tokenize it.
 *
 * @param train           {@code builtin:tiny-prefs}, or data files: a path or a list of paths,
 *                        each a file or a directory (JSONL, JSON array or Parquet)
 * @param eval            held-out pairs in the same forms, or null to split {@code evalFraction}
 *                        of {@code train} off (fixed by the seed)
 * @param format          {@code auto} (by file extension), {@code jsonl}, {@code json}, {@code parquet}
 * @param columns         the fields holding prompt, chosen and rejected
 * @param chatTemplate    how conversational records become text: {@code auto} (the model's
 *                        template, else {@code chatml}), {@code model}, {@code chatml},
 *                        {@code llama3} or {@code plain}
 * @param evalFraction    share of the training pairs held out when {@code eval} is null
 * @param maxLength       most tokens of prompt + completion (EOS included) in one row
 * @param maxPromptLength most prompt tokens; longer prompts keep their last tokens
 * @param truncationMode  what a row longer than {@code maxLength} keeps: {@code keep_start}
 *                        or {@code keep_end}
 * @param onBadRecord     {@code error}: stop before training at the first bad record;
 *                        {@code skip}: skip bad records and count them by reason
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DataConfig(
        @JsonFormat(with = {JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY, JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED})
        List<String> train,
        @JsonFormat(with = {JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY, JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED})
        List<String> eval,
        String format,
        ColumnsConfig columns,
        String chatTemplate,
        Double evalFraction,
        Integer maxLength,
        Integer maxPromptLength,
        String truncationMode,
        String onBadRecord,
        TemplateLimitsConfig templateLimits) {

    public static final List<String> FORMATS = List.of("auto", "jsonl", "json", "parquet");
    public static final List<String> CHAT_TEMPLATES = List.of("auto", "model", "chatml", "llama3", "plain");
    public static final List<String> BAD_RECORD_POLICIES = List.of("error", "skip");

    public DataConfig {
        Check.required("train", train);
        if (train.isEmpty() || train.stream().anyMatch(p -> p == null || p.isBlank())) {
            throw new ConfigValueException("train", "must name a data source (a path, a list of paths, or builtin:tiny-prefs)");
        }
        if (eval != null && (eval.isEmpty() || eval.stream().anyMatch(p -> p == null || p.isBlank()))) {
            throw new ConfigValueException("eval", "must be null or name a data source");
        }
        Check.oneOf("format", format, FORMATS);
        Check.required("columns", columns);
        Check.oneOf("chat_template", chatTemplate, CHAT_TEMPLATES);
        Check.halfOpen("eval_fraction", evalFraction, 0.0, 1.0);
        Check.atLeast("max_length", maxLength, 2);
        Check.atLeast("max_prompt_length", maxPromptLength, 1);
        if (maxPromptLength >= maxLength) {
            throw new ConfigValueException(
                    "max_prompt_length",
                    "must be < max_length (" + maxLength + "), got " + maxPromptLength);
        }
        Check.oneOf("truncation_mode", truncationMode, TruncationMode.NAMES);
        Check.oneOf("on_bad_record", onBadRecord, BAD_RECORD_POLICIES);
        Check.required("template_limits", templateLimits);
        train = List.copyOf(train);
        eval = eval == null ? null : List.copyOf(eval);
    }

    /** The same settings with the default template limits. */
    public DataConfig(List<String> train, List<String> eval, String format, ColumnsConfig columns, String chatTemplate,
            Double evalFraction, Integer maxLength, Integer maxPromptLength, String truncationMode,
            String onBadRecord) {
        this(train, eval, format, columns, chatTemplate, evalFraction, maxLength, maxPromptLength, truncationMode,
                onBadRecord, TemplateLimitsConfig.DEFAULTS);
    }

    /** Whether bad records are skipped (and counted) rather than stopping the run. */
    public boolean skipBadRecords() {
        return onBadRecord.equals("skip");
    }
}
