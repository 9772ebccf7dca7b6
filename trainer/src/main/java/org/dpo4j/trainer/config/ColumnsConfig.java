package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * {@code data.columns}: the record fields that hold prompt, chosen and rejected, e.g.
 * {@code {prompt: question, chosen: response_j, rejected: response_k}}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ColumnsConfig(String prompt, String chosen, String rejected) {

    public ColumnsConfig {
        for (String[] field : new String[][] {{"prompt", prompt}, {"chosen", chosen}, {"rejected", rejected}}) {
            if (field[1] == null || field[1].isBlank()) {
                throw new ConfigValueException(field[0], "must name a field of the records, got "
                        + (field[1] == null ? "null" : "an empty string"));
            }
        }
        if (chosen.equals(rejected) || prompt.equals(chosen) || prompt.equals(rejected)) {
            throw new ConfigValueException("chosen", "prompt, chosen and rejected must be three different fields");
        }
    }

    /** As the data package uses them. */
    public ColumnNames names() {
        return new ColumnNames(prompt, chosen, rejected);
    }
}
