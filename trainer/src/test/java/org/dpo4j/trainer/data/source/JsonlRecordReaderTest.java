package org.dpo4j.trainer.data.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.source.BadRecord.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlRecordReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIRST = "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}";
    private static final String SECOND = "{\"prompt\":\"q\",\"chosen\":[{\"role\":\"assistant\",\"content\":\"c\"}]}";

    @TempDir Path dir;

    private ReadResult read(Path file) {
        return RecordReader.of(DataFormat.JSONL).read(file);
    }

    private String error(Path file) {
        return assertThrows(UserInputException.class, () -> read(file)).getMessage();
    }

    @Test
    void readsOneObjectPerLineSkippingBlankLines() throws Exception {
        Path file = dir.resolve("pairs.jsonl");
        // A byte order mark, a CRLF line end, a blank line and no final line end.
        Files.writeString(file, "\uFEFF" + FIRST + "\r\n  \n" + SECOND, UTF_8);
        assertEquals(new ReadResult(List.of(new SourceRecord(file + ":1", JSON.readTree(FIRST)),
                new SourceRecord(file + ":3", JSON.readTree(SECOND))), List.of()), read(file));
    }

    @Test
    void badLinesBecomeBadRecordsAndTheOthersAreStillRead() throws Exception {
        String malformed = "{\"prompt\": \"x\",";
        String array = "[1, 2]";
        String twoValues = "{\"a\":1} {\"b\":2}";
        String duplicate = "{\"chosen\":\"a\",\"chosen\":\"b\"}";
        byte[] beforeBadByte = "{\"prompt\":\"caf".getBytes(UTF_8);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (String line : List.of(FIRST, malformed, array, "")) {
            content.write((line + "\n").getBytes(UTF_8));
        }
        content.write(beforeBadByte);
        content.write(new byte[] {(byte) 0xE9, '"', '}', '\n'}); // Latin-1 "é"
        for (String line : List.of(twoValues, duplicate, "null", SECOND)) {
            content.write((line + "\n").getBytes(UTF_8));
        }
        Path file = dir.resolve("mixed.jsonl");
        Files.write(file, content.toByteArray());

        ReadResult result = read(file);

        assertEquals(List.of(new SourceRecord(file + ":1", JSON.readTree(FIRST)),
                new SourceRecord(file + ":9", JSON.readTree(SECOND))), result.records());
        assertEquals(List.of(
                new BadRecord(file + ":2", Reason.MALFORMED_JSON, "malformed JSON at column " + (malformed.length() + 1)
                        + " (Unexpected end-of-input within/between Object entries)"),
                new BadRecord(file + ":3", Reason.NOT_AN_OBJECT, "not a JSON object (got an array)"),
                new BadRecord(file + ":5", Reason.INVALID_UTF8, "invalid UTF-8 at byte " + (beforeBadByte.length + 1)
                        + " of the line (0xE9)"),
                new BadRecord(file + ":6", Reason.MALFORMED_JSON, "malformed JSON at column " + (twoValues.indexOf(' ') + 2)
                        + " (more than one JSON value on the line)"),
                new BadRecord(file + ":7", Reason.MALFORMED_JSON, "malformed JSON at column "
                        + (duplicate.lastIndexOf("\"chosen\"") + "\"chosen\"".length() + 1) + " (Duplicate field 'chosen')"),
                new BadRecord(file + ":8", Reason.NOT_AN_OBJECT, "not a JSON object (got null)")), result.bad());
        assertEquals(file + ":3: not a JSON object (got an array)", result.bad().get(1).line());
    }

    /**
     * {@code "\\ud800"} is valid JSON that Jackson keeps as a lone UTF-16 code unit; encoded for
     * the tokenizer it would become {@code ?}, so it is a bad record, found in keys and nested
     * values too. A surrogate pair written as two escapes is one character and is kept.
     */
    @Test
    void unpairedSurrogatesAreBadRecords() throws Exception {
        String pair = "{\"prompt\":\"\\ud83d\\ude00\",\"chosen\":\"a\",\"rejected\":\"b\"}"; // one emoji
        String lone = "{\"prompt\":\"p\",\"chosen\":\"a\\ud800\",\"rejected\":\"b\"}";
        String lowFirst = "{\"prompt\":\"p\",\"chosen\":[{\"role\":\"assistant\",\"content\":\"\\udc00\\ud800\"}]}";
        String key = "{\"\\udfff\":\"x\"}";
        Path file = Files.writeString(dir.resolve("surrogates.jsonl"), String.join("\n", pair, lone, lowFirst, key), UTF_8);

        ReadResult result = read(file);

        assertEquals(List.of(new SourceRecord(file + ":1", JSON.readTree(pair))), result.records());
        assertEquals("\uD83D\uDE00", result.records().get(0).value().get("prompt").asText());
        assertEquals(List.of(
                new BadRecord(file + ":2", Reason.UNPAIRED_SURROGATE, "unpaired UTF-16 surrogate \"\\ud800\" in chosen"
                        + " (not a Unicode character; it has no UTF-8 encoding)"),
                new BadRecord(file + ":3", Reason.UNPAIRED_SURROGATE, "unpaired UTF-16 surrogate \"\\udc00\" in"
                        + " chosen[0].content (not a Unicode character; it has no UTF-8 encoding)"),
                new BadRecord(file + ":4", Reason.UNPAIRED_SURROGATE, "unpaired UTF-16 surrogate \"\\udfff\" in the"
                        + " key \\udfff (not a Unicode character; it has no UTF-8 encoding)")), result.bad());
    }

    /**
     * A line longer than {@link JsonlRecordReader#MAX_LINE_BYTES} is a bad record saying so, even
     * when it is valid JSON, and the lines after it are read; valid JSON over one of the
     * parser's own limits (nesting) is not called malformed either.
     */
    @Test
    void linesOverTheLimitAreBadRecordsNamingTheLimit() throws Exception {
        int limit = JsonlRecordReader.MAX_LINE_BYTES;
        String prefix = "{\"prompt\":\"p\",\"chosen\":\"";
        String suffix = "\",\"rejected\":\"b\"}";
        String longLine = prefix + "a".repeat(limit - prefix.length() - suffix.length() + 1) + suffix;
        String deep = "{\"chosen\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        Path file = Files.writeString(dir.resolve("long.jsonl"), longLine + "\r\n" + deep + "\n" + FIRST + "\n", UTF_8);

        ReadResult result = read(file);

        assertEquals(List.of(new SourceRecord(file + ":3", JSON.readTree(FIRST))), result.records());
        assertEquals(new BadRecord(file + ":1", Reason.OVER_LIMIT, "the line is " + (limit + 1)
                + " bytes, over the limit of 16777216 bytes (16 MiB) per JSONL record"), result.bad().get(0));
        BadRecord nested = result.bad().get(1);
        assertEquals(Reason.OVER_LIMIT, nested.reason(), nested.line());
        assertTrue(nested.message().startsWith("valid JSON over a parser limit (") && nested.message().contains("depth"),
                nested.message());
    }

    @Test
    void fileProblemsAreOneLine() throws Exception {
        Path missing = dir.resolve("missing.jsonl");
        assertEquals(missing + ": no such data file", error(missing));
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        assertEquals(empty + ": no records (the file is empty)", error(empty));
        Path blank = Files.writeString(dir.resolve("blank.jsonl"), "\n  \n\r\n");
        assertEquals(blank + ": no records (the file is empty)", error(blank));
        assertEquals(dir + ": not a regular file", error(dir));
    }
}
