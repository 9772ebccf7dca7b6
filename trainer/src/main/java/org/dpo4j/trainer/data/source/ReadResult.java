package org.dpo4j.trainer.data.source;

import java.util.List;

/**
 * What reading data files gave: the records in file order, and the records that could not even
 * be parsed (malformed JSON, invalid UTF-8), also in file order.
 */
public record ReadResult(List<SourceRecord> records, List<BadRecord> bad) {}
