package org.dpo4j.trainer.data.source;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dpo4j.trainer.data.source.BadRecord.Reason;

/**
 * Reads JSONL: one JSON object per line, UTF-8 (a leading byte order mark is allowed), blank lines
 * skipped. Records are {@code file:line} (1-based). Each line is decoded and parsed on its own, so
 * a bad line becomes a {@link BadRecord} and the lines after it are still read.
 */
final class JsonlRecordReader implements RecordReader {

    /**
     * The longest line read, in bytes (16 MiB): far more than any pair a model can take (a
     * 128k-token context is well under 1 MiB of text), and below the JSON parser's 20,000,000-
     * character string limit, so that a longer line is reported as too long, not as malformed.
     */
    static final int MAX_LINE_BYTES = 16 << 20;

    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @Override
    public ReadResult read(Path file) {
        if (SourceFiles.requireReadable(file) == 0) {
            throw SourceFiles.empty(file);
        }
        List<SourceRecord> records = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        try (ByteLineReader lines = new ByteLineReader(Files.newInputStream(file), MAX_LINE_BYTES)) {
            for (int number = 1; lines.next(); number++) {
                int skip = number == 1 && startsWithByteOrderMark(lines) ? BYTE_ORDER_MARK.length : 0;
                String where = file + ":" + number;
                if (lines.overLimit()) {
                    bad.add(new BadRecord(where, Reason.OVER_LIMIT, "the line is " + lines.fullLength()
                            + " bytes, over the limit of " + MAX_LINE_BYTES + " bytes (16 MiB) per JSONL record"));
                    continue;
                }
                String text;
                try {
                    text = StrictUtf8.decode(lines.bytes(), skip, lines.length() - skip);
                } catch (StrictUtf8.InvalidUtf8Exception e) {
                    bad.add(new BadRecord(where, Reason.INVALID_UTF8, "invalid UTF-8 at byte "
                            + (skip + e.offset() + 1) + " of the line (" + e.badByte() + ")"));
                    continue;
                }
                if (!text.isBlank()) {
                    parse(text, where, records, bad);
                }
            }
        } catch (IOException e) {
            throw SourceFiles.cannotRead(file, e);
        }
        if (records.isEmpty() && bad.isEmpty()) {
            throw SourceFiles.empty(file);
        }
        return new ReadResult(List.copyOf(records), List.copyOf(bad));
    }

    private static void parse(String line, String where, List<SourceRecord> records, List<BadRecord> bad) {
        try (JsonParser parser = RecordJson.MAPPER.createParser(line)) {
            JsonNode node = RecordJson.MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                bad.add(malformed(where, parser.currentTokenLocation(), "more than one JSON value on the line"));
            } else if (!node.isObject()) {
                bad.add(new BadRecord(where, Reason.NOT_AN_OBJECT, RecordJson.notAnObject(node)));
            } else {
                Optional<BadRecord> surrogate = RecordJson.surrogateRecord(where, node);
                if (surrogate.isPresent()) {
                    bad.add(surrogate.get());
                } else {
                    records.add(new SourceRecord(where, node));
                }
            }
        } catch (JsonProcessingException e) {
            bad.add(RecordJson.overLimit(e)
                    ? new BadRecord(where, Reason.OVER_LIMIT, "valid JSON over a parser limit ("
                            + RecordJson.why(e, false) + ")")
                    : malformed(where, e.getLocation(), RecordJson.why(e, false)));
        } catch (IOException e) {
            // A String source has no I/O; Jackson only declares it.
            throw new IllegalStateException(e);
        }
    }

    private static BadRecord malformed(String where, JsonLocation at, String why) {
        String column = at == null || at.getColumnNr() < 1 ? "" : " at column " + at.getColumnNr();
        return new BadRecord(where, Reason.MALFORMED_JSON, "malformed JSON" + column + " (" + why + ")");
    }

    private static boolean startsWithByteOrderMark(ByteLineReader line) {
        if (line.length() < BYTE_ORDER_MARK.length) {
            return false;
        }
        for (int i = 0; i < BYTE_ORDER_MARK.length; i++) {
            if (line.bytes()[i] != BYTE_ORDER_MARK[i]) {
                return false;
            }
        }
        return true;
    }
}
