package org.dpo4j.trainer.data.source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.common.UserInputException;

/**
 * Reads one data file into records, one reader per {@link DataFormat}.
 *
 * <p>A record that cannot be parsed (malformed JSON, invalid UTF-8, not a JSON object) becomes a
 * {@link BadRecord}, so the caller decides whether to stop at the first ({@link BadRecord#line()})
 * or to skip and count them. A problem with the file as a whole (missing, unreadable, empty, not
 * in its format) is a one-line {@link UserInputException}.
 */
public sealed interface RecordReader permits JsonlRecordReader, JsonArrayRecordReader, ParquetRecordReader {

    /**
     * @param file the file to read
     * @return its records and bad records, each in file order; not both empty
     * @throws UserInputException for a problem with the file as a whole
     */
    ReadResult read(Path file);

    /** The reader for {@code format}. */
    static RecordReader of(DataFormat format) {
        return switch (format) {
            case JSONL -> new JsonlRecordReader();
            case JSON -> new JsonArrayRecordReader();
            case PARQUET -> new ParquetRecordReader();
        };
    }

    /**
     * Reads {@code files} in order, as resolved by {@link DataFiles#resolve}.
     *
     * @return all records, then all bad records, each in file order
     * @throws UserInputException at the first file that cannot be read as a whole
     */
    static ReadResult readAll(List<DataFile> files) {
        List<SourceRecord> records = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        for (DataFile file : files) {
            ReadResult result = of(file.format()).read(file.path());
            records.addAll(result.records());
            bad.addAll(result.bad());
        }
        return new ReadResult(List.copyOf(records), List.copyOf(bad));
    }
}
