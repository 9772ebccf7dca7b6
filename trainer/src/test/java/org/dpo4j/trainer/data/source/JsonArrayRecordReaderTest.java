package org.dpo4j.trainer.data.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.source.BadRecord.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonArrayRecordReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private ReadResult read(Path file) {
        return RecordReader.of(DataFormat.JSON).read(file);
    }

    private String error(String name, String content) throws Exception {
        Path file = Files.writeString(dir.resolve(name), content, UTF_8);
        return assertThrows(UserInputException.class, () -> read(file)).getMessage();
    }

    @Test
    void eachElementIsARecordAtTheLineWhereItStarts() throws Exception {
        String first = "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}";
        String second = "{\n    \"prompt\": \"q\",\n    \"chosen\": [{\"role\": \"assistant\", \"content\": \"c\"}]\n  }";
        String text = "[\n  " + first + ",\n\n  " + second + ",\n  \"text\"\n]";
        Path file = Files.writeString(dir.resolve("pairs.json"), text, UTF_8);

        ReadResult result = read(file);

        assertEquals(List.of(new SourceRecord(file + ":" + lineOf(text, first), JSON.readTree(first)),
                        new SourceRecord(file + ":" + lineOf(text, second), JSON.readTree(second))),
                result.records());
        assertEquals(List.of(new BadRecord(file + ":" + lineOf(text, "\"text\""), Reason.NOT_AN_OBJECT,
                "not a JSON object (got a string)")), result.bad());
    }

    @Test
    void anUnpairedSurrogateMakesItsElementBad() throws Exception {
        String good = "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}";
        String lone = "{\"prompt\": \"\\ud800\", \"chosen\": \"a\", \"rejected\": \"b\"}";
        Path file = Files.writeString(dir.resolve("pairs.json"), "[\n" + good + ",\n" + lone + "\n]", UTF_8);

        ReadResult result = read(file);

        assertEquals(List.of(new SourceRecord(file + ":2", JSON.readTree(good))), result.records());
        assertEquals(List.of(new BadRecord(file + ":3", Reason.UNPAIRED_SURROGATE, "unpaired UTF-16 surrogate"
                + " \"\\ud800\" in prompt (not a Unicode character; it has no UTF-8 encoding)")), result.bad());
    }

    /** The 1-based line of the text where {@code fragment} starts. */
    private static long lineOf(String text, String fragment) {
        return text.substring(0, text.indexOf(fragment)).chars().filter(c -> c == '\n').count() + 1;
    }

    @Test
    void aFileThatIsNotOneArrayIsOneLine() throws Exception {
        Path jsonl = dir.resolve("lines.json");
        assertEquals(jsonl + ": a .json data file must hold one JSON array of records ([{...}, {...}]), but it starts"
                + " with an object; for one record per line (JSONL) name the file .jsonl or set data.format: jsonl",
                error("lines.json", "{\"prompt\": \"p\"}\n{\"prompt\": \"q\"}\n"));

        Path twoArrays = dir.resolve("two.json");
        String firstArray = "[{\"a\": 1}]";
        assertEquals(twoArrays + ":1:" + (firstArray.length() + 2)
                        + ": more JSON after the array (a .json data file holds one array of records)",
                error("two.json", firstArray + " [{\"b\": 2}]"));
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws Exception {
        Path file = dir.resolve("broken.json");
        String secondLine = "  {\"prompt\": \"p\",}";
        assertEquals(file + ":2:" + secondLine.length() + ": malformed JSON (Unexpected character ('}' (code 125)):"
                + " was expecting double-quote to start field name)", error("broken.json", "[\n" + secondLine + "\n]"));

        Path open = dir.resolve("open.json");
        String unclosed = "[{\"a\": 1}";
        assertEquals(open + ":1:" + (unclosed.length() + 1) + ": malformed JSON (Unexpected end-of-input: expected close"
                + " marker for Array (start marker at line 1, column 1))", error("open.json", unclosed));
    }

    @Test
    void emptyFilesAndArraysHaveNoRecords() throws Exception {
        assertEquals(dir.resolve("empty.json") + ": no records (the file is empty)", error("empty.json", ""));
        assertEquals(dir.resolve("blank.json") + ": no records (the file is empty)", error("blank.json", " \n"));
        assertEquals(dir.resolve("none.json") + ": no records (the JSON array is empty)", error("none.json", "[ ]"));
        Path missing = dir.resolve("missing.json");
        assertEquals(missing + ": no such data file", assertThrows(UserInputException.class, () -> read(missing)).getMessage());
    }
}
