package org.dpo4j.trainer.data.source;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record of a data file, before it is read as a preference pair.
 *
 * @param where where it is, for messages and pair ids: {@code file:line} (JSONL, JSON) or
 *              {@code file:row N} (Parquet, 1-based)
 * @param value the record as a JSON value (Parquet rows are converted: strings, numbers,
 *              lists, structs as objects)
 */
public record SourceRecord(String where, JsonNode value) {}
