package org.dpo4j.trainer.data.source;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dpo4j.trainer.common.UserInputException;

/**
 * Reads a JSON file holding one top-level array of record objects, streaming it element by
 * element. Records are {@code file:line} of the line where the element starts. An element that is
 * not an object is a {@link BadRecord}; a syntax error anywhere fails the whole file with
 * {@code file:line:column}, because the rest of an array cannot be found again after one.
 */
final class JsonArrayRecordReader implements RecordReader {

    @Override
    public ReadResult read(Path file) {
        if (SourceFiles.requireReadable(file) == 0) {
            throw SourceFiles.empty(file);
        }
        List<SourceRecord> records = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                JsonParser parser = RecordJson.MAPPER.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw SourceFiles.empty(file);
            }
            if (first != JsonToken.START_ARRAY) {
                throw notAnArray(file, first);
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                String where = file + ":" + parser.currentTokenLocation().getLineNr();
                JsonNode node = RecordJson.MAPPER.readTree(parser);
                // Jackson gives no tree for a JSON null element.
                node = node == null ? NullNode.getInstance() : node;
                if (node.isObject()) {
                    Optional<BadRecord> surrogate = RecordJson.surrogateRecord(where, node);
                    if (surrogate.isPresent()) {
                        bad.add(surrogate.get());
                    } else {
                        records.add(new SourceRecord(where, node));
                    }
                } else {
                    bad.add(new BadRecord(where, BadRecord.Reason.NOT_AN_OBJECT, RecordJson.notAnObject(node)));
                }
            }
            if (parser.nextToken() != null) {
                throw new UserInputException(at(file, parser.currentTokenLocation())
                        + ": more JSON after the array (a .json data file holds one array of records)");
            }
        } catch (JsonProcessingException e) {
            throw new UserInputException(at(file, e.getLocation()) + (RecordJson.overLimit(e)
                    ? ": valid JSON over a parser limit (" : ": malformed JSON (") + RecordJson.why(e, true) + ")", e);
        } catch (IOException e) {
            throw SourceFiles.cannotRead(file, e);
        }
        if (records.isEmpty() && bad.isEmpty()) {
            throw new UserInputException(file + ": no records (the JSON array is empty)");
        }
        return new ReadResult(List.copyOf(records), List.copyOf(bad));
    }

    private static UserInputException notAnArray(Path file, JsonToken first) {
        String found = switch (first) {
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> first.asString();
        };
        return new UserInputException(file + ": a .json data file must hold one JSON array of records"
                + " ([{...}, {...}]), but it starts with " + found + "; for one record per line (JSONL)"
                + " name the file .jsonl or set " + DataFormat.FORMAT_KEY + ": " + DataFormat.JSONL.formatName());
    }

    private static String at(Path file, JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? file.toString()
                : file + ":" + location.getLineNr() + ":" + location.getColumnNr();
    }
}
