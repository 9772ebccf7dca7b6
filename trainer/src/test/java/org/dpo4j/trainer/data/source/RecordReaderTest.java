package org.dpo4j.trainer.data.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.source.BadRecord.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void readsResolvedFilesOfAllFormatsInOrder() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("first.jsonl"), "{\"prompt\":\"a\"}\n7\n{\"prompt\":\"b\"}\n", UTF_8);
        Path data = Files.createDirectory(dir.resolve("data"));
        Path json = Files.writeString(data.resolve("1.json"), "[\n{\"prompt\":\"c\"}\n]", UTF_8);
        Path parquet = data.resolve("2.parquet");
        MessageType schema = MessageTypeParser.parseMessageType("message m { required binary prompt (STRING); }");
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(parquet))
                .withConf(new PlainParquetConfiguration()).withType(schema).build()) {
            writer.write(new SimpleGroupFactory(schema).newGroup().append("prompt", "d"));
        }

        List<DataFile> files = DataFiles.resolve(List.of(jsonl.toString(), data.toString()), "auto", "data.train");

        assertEquals(new ReadResult(
                        List.of(new SourceRecord(jsonl + ":1", JSON.readTree("{\"prompt\":\"a\"}")),
                                new SourceRecord(jsonl + ":3", JSON.readTree("{\"prompt\":\"b\"}")),
                                new SourceRecord(json + ":2", JSON.readTree("{\"prompt\":\"c\"}")),
                                new SourceRecord(parquet + ":row 1", JSON.readTree("{\"prompt\":\"d\"}"))),
                        List.of(new BadRecord(jsonl + ":2", Reason.NOT_AN_OBJECT, "not a JSON object (got a number)"))),
                RecordReader.readAll(files));
    }

    @Test
    void aJsonlFileReadAsJsonSaysHowToFixIt() throws Exception {
        Path file = Files.writeString(dir.resolve("pairs.txt"), "{\"prompt\":\"a\"}\n", UTF_8);
        List<DataFile> files = DataFiles.resolve(List.of(file.toString()), "json", "data.eval");
        assertEquals(file + ": a .json data file must hold one JSON array of records ([{...}, {...}]), but it starts"
                        + " with an object; for one record per line (JSONL) name the file .jsonl or set data.format: jsonl",
                assertThrows(UserInputException.class, () -> RecordReader.readAll(files)).getMessage());
    }
}
