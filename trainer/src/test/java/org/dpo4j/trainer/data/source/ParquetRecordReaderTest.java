package org.dpo4j.trainer.data.source;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.source.BadRecord.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParquetRecordReaderTest {

    /** The shape pyarrow writes for a conversational dataset: {@code chosen} is a list of {role, content}. */
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message pair {
              required binary prompt (STRING);
              optional group chosen (LIST) {
                repeated group list {
                  optional group element {
                    required binary role (STRING);
                    required binary content (STRING);
                  }
                }
              }
              optional group tags (LIST) {
                repeated group list {
                  optional binary element (STRING);
                }
              }
              optional int64 score;
              required double margin;
              required boolean verified;
            }
            """);
    private static final int ROWS_PER_GROUP = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private record Message(String role, String content) {}

    /** A row; null {@code chosen}, {@code tags} or {@code score} are left unset, a null tag is a null element. */
    private record Row(String prompt, List<Message> chosen, List<String> tags, Long score, double margin, boolean verified) {

        Group toGroup() {
            Group group = new SimpleGroupFactory(SCHEMA).newGroup().append("prompt", prompt);
            if (chosen != null) {
                Group list = group.addGroup("chosen");
                chosen.forEach(m -> list.addGroup("list").addGroup("element").append("role", m.role()).append("content", m.content()));
            }
            if (tags != null) {
                Group list = group.addGroup("tags");
                tags.forEach(tag -> {
                    Group item = list.addGroup("list");
                    if (tag != null) {
                        item.append("element", tag);
                    }
                });
            }
            if (score != null) {
                group.append("score", score);
            }
            return group.append("margin", margin).append("verified", verified);
        }

        JsonNode toJson() {
            ObjectNode json = JSON.createObjectNode().put("prompt", prompt);
            if (chosen == null) {
                json.putNull("chosen");
            } else {
                var array = json.putArray("chosen");
                chosen.forEach(m -> array.addObject().put("role", m.role()).put("content", m.content()));
            }
            if (tags == null) {
                json.putNull("tags");
            } else {
                var array = json.putArray("tags");
                tags.forEach(array::add);
            }
            return json.put("score", score).put("margin", margin).put("verified", verified);
        }
    }

    private static final List<Row> ROWS = List.of(
            new Row("What is 2+2?", List.of(new Message("user", "What is 2+2?"), new Message("assistant", "4")),
                    List.of("math"), 7L, 0.5, true),
            new Row("Héllo ✓", List.of(new Message("assistant", "Bonjour")), Arrays.asList("greeting", null), null, -1.25, false),
            new Row("empty", List.of(), List.of(), 0L, 0.0, true),
            new Row("unset", null, null, Long.MAX_VALUE, 3.0, false),
            new Row("last", List.of(new Message("assistant", "done")), List.of("x", "y"), -3L, 1e-9, true));

    private Path write(String name, CompressionCodecName codec, List<Group> rows) throws Exception {
        Path file = dir.resolve(name);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(SCHEMA)
                .withCompressionCodec(codec)
                .withCodecFactory(new GzipCodecFactory())
                .withRowGroupRowCountLimit(ROWS_PER_GROUP)
                .build()) {
            for (Group row : rows) {
                writer.write(row);
            }
        }
        return file;
    }

    private static List<BlockMetaData> rowGroups(Path file) throws Exception {
        var options = ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            return reader.getRowGroups();
        }
    }

    private static ReadResult read(Path file) {
        return RecordReader.of(DataFormat.PARQUET).read(file);
    }

    private static String error(Path file) {
        return assertThrows(UserInputException.class, () -> read(file)).getMessage();
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD"})
    void readsEveryRowOfEveryRowGroupAsJson(CompressionCodecName codec) throws Exception {
        Path file = write("pairs-" + codec + ".parquet", codec, ROWS.stream().map(Row::toGroup).toList());
        List<BlockMetaData> rowGroups = rowGroups(file);
        assertEquals((ROWS.size() + ROWS_PER_GROUP - 1) / ROWS_PER_GROUP, rowGroups.size());
        assertEquals(codec, rowGroups.get(0).getColumns().get(0).getCodec());

        List<SourceRecord> expected = new ArrayList<>();
        for (int i = 0; i < ROWS.size(); i++) {
            expected.add(new SourceRecord(file + ":row " + (i + 1), ROWS.get(i).toJson()));
        }
        assertEquals(new ReadResult(expected, List.of()), read(file));
    }

    @Test
    void aStringThatIsNotUtf8MakesItsRowBad() throws Exception {
        byte[] latin1 = "café".getBytes(ISO_8859_1);
        Group badRow = new SimpleGroupFactory(SCHEMA).newGroup();
        badRow.add("prompt", Binary.fromConstantByteArray(latin1));
        badRow.append("margin", 1.0).append("verified", true);
        Path file = write("latin1.parquet", CompressionCodecName.SNAPPY,
                List.of(ROWS.get(0).toGroup(), badRow, ROWS.get(1).toGroup()));

        ReadResult result = read(file);

        assertEquals(List.of(new SourceRecord(file + ":row 1", ROWS.get(0).toJson()),
                new SourceRecord(file + ":row 3", ROWS.get(1).toJson())), result.records());
        assertEquals(List.of(new BadRecord(file + ":row 2", Reason.INVALID_UTF8, "invalid UTF-8 in column 'prompt' at byte "
                + ("caf".length() + 1) + " (0xE9)")), result.bad());
    }

    @Test
    void filesThatAreNotParquetAreOneLine() throws Exception {
        Path text = Files.writeString(dir.resolve("text.parquet"), "{\"prompt\": \"p\"}\n", UTF_8);
        assertEquals(text + ": not a Parquet file (it does not start with the Parquet magic bytes PAR1)", error(text));

        byte[] whole = Files.readAllBytes(write("whole.parquet", CompressionCodecName.SNAPPY,
                ROWS.stream().map(Row::toGroup).toList()));
        Path truncated = Files.write(dir.resolve("truncated.parquet"), Arrays.copyOf(whole, whole.length / 2));
        assertEquals(truncated + ": truncated Parquet file (it starts with PAR1 but does not end with it; was it copied"
                + " completely?)", error(truncated));

        Path empty = Files.createFile(dir.resolve("empty.parquet"));
        assertEquals(empty + ": no records (the file is empty)", error(empty));

        Path noRows = write("no-rows.parquet", CompressionCodecName.SNAPPY, List.of());
        assertEquals(noRows + ": no records (the Parquet file has 0 rows)", error(noRows));

        Path missing = dir.resolve("missing.parquet");
        assertEquals(missing + ": no such data file", error(missing));
    }
}
