package org.dpo4j.trainer.data.source;

/**
 * A record that cannot be trained on.
 *
 * @param where   {@code file:line} or {@code file:row N}
 * @param reason  why, as a countable category
 * @param message what is wrong, for the user (without the location)
 */
public record BadRecord(String where, Reason reason, String message) {

    /** Why a record is bad; {@link #key()} names it in summaries and metrics. */
    public enum Reason {
        MALFORMED_JSON("malformed_json"),
        INVALID_UTF8("invalid_utf8"),
        UNPAIRED_SURROGATE("unpaired_surrogate"),
        OVER_LIMIT("over_limit"),
        NOT_AN_OBJECT("not_an_object"),
        MISSING_FIELD("missing_field"),
        WRONG_TYPE("wrong_type"),
        EMPTY_FIELD("empty_field"),
        IDENTICAL_COMPLETIONS("identical_completions"),
        NO_COMMON_PROMPT("no_common_prompt"),
        TEMPLATE_ERROR("template_error"),
        SAMPLE_COUNT("sample_count");

        private final String key;

        Reason(String key) {
            this.key = key;
        }

        /** The snake_case name used in summaries and {@code metrics.jsonl}. */
        public String key() {
            return key;
        }
    }

    /** {@code where: message}, the one line shown to the user. */
    public String line() {
        return where + ": " + message;
    }
}
