package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dpo4j.trainer.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlPairReaderTest {

    @TempDir Path dir;

    private String errorFor(String content) throws Exception {
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, content);
        return assertThrows(UserInputException.class, () -> JsonlPairReader.read(file)).getMessage();
    }

    @Test
    void readsRecordsAndSkipsBlankLines() throws Exception {
        Path file = dir.resolve("ok.jsonl");
        Files.writeString(file, "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}\n\n{\"prompt\":\"\",\"chosen\":\"c\",\"rejected\":\"d\"}\n");
        var pairs = JsonlPairReader.read(file);
        assertEquals(2, pairs.size());
        assertEquals(file + ":3", pairs.get(1).id());
    }

    @Test
    void badRecordsNameFileAndLine() throws Exception {
        String ok = "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}\n";
        Path file = dir.resolve("pairs.jsonl");
        assertEquals(file + ":2: missing field 'rejected'", errorFor(ok + "{\"prompt\":\"p\",\"chosen\":\"a\"}\n"));
        assertEquals(file + ":1: field 'chosen' must be a string, got number", errorFor("{\"prompt\":\"p\",\"chosen\":1,\"rejected\":\"b\"}"));
        assertEquals(file + ":1: chosen is identical to rejected", errorFor("{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"a\"}"));
        assertEquals(file + ":1: chosen and rejected must not be empty", errorFor("{\"prompt\":\"p\",\"chosen\":\"\",\"rejected\":\"a\"}"));
        String malformed = errorFor(ok + "{\"prompt\": \n");
        assertEquals(true, malformed.startsWith(file + ":2: malformed JSON"), malformed);
    }

    @Test
    void missingEmptyAndNonUtf8FilesSaySo() throws Exception {
        assertEquals(dir.resolve("none.jsonl") + ": no such data file",
                assertThrows(UserInputException.class, () -> JsonlPairReader.read(dir.resolve("none.jsonl"))).getMessage());
        assertEquals(dir.resolve("pairs.jsonl") + ": no records (the file is empty)", errorFor(""));
        Path latin1 = dir.resolve("latin1.jsonl");
        Files.write(latin1, new byte[] {'{', '"', 'p', (byte) 0xE9, '"', '}', '\n'});
        assertEquals(latin1 + ":1: invalid UTF-8",
                assertThrows(UserInputException.class, () -> JsonlPairReader.read(latin1)).getMessage());
    }
}
