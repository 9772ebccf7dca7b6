package org.dpo4j.trainer.config;

/**
 * Which fields of a record hold the prompt and the two completions ({@code data.columns}).
 *
 * @param prompt   the prompt's field; when a record lacks it, the prompt is implicit: the longest
 *                 common prefix of chosen and rejected
 * @param chosen   the preferred completion's field
 * @param rejected the dispreferred completion's field
 */
public record ColumnNames(String prompt, String chosen, String rejected) {

    /** The standard names. */
    public static final ColumnNames STANDARD = new ColumnNames("prompt", "chosen", "rejected");
}
