package org.dpo4j.trainer.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;

/**
 * The token → id map of a Hugging Face {@code tokenizer.json}: the model's vocabulary plus the
 * added tokens.
 *
 * <p>Formats read ({@code merges}, normalizers and the rest are skipped):
 *
 * <pre>
 *   {"added_tokens": [{"id": 128000, "content": "&lt;|begin_of_text|&gt;", ...}, ...],
 *    "model": {"type": "BPE",       "vocab": {"!": 0, "\"": 1, ...}, "merges": [...]}}   BPE, WordPiece, WordLevel
 *    "model": {"type": "Unigram",   "vocab": [["&lt;unk&gt;", 0.0], ["▁the", -3.2], ...]}}   id = position
 * </pre>
 *
 * Streaming, because a large tokenizer.json (Llama 3: 9 MB, 280k merges) would otherwise become
 * a tree of a million nodes only to read one map. An added token overrides a vocabulary entry of
 * the same text, as in Hugging Face's own lookup.
 */
final class TokenizerJsonVocabulary {

    private static final JsonFactory JSON = new JsonFactory();

    private TokenizerJsonVocabulary() {}

    /**
     * @throws UserInputException {@code file:line:column: ...} when the file is not JSON or has
     *     no vocabulary in one of the formats above
     */
    static Map<String, Integer> read(Path file) {
        Map<String, Integer> modelVocab = null;
        Map<String, Integer> added = new HashMap<>();
        try (JsonParser p = JSON.createParser(file.toFile())) {
            expect(p, p.nextToken() == JsonToken.START_OBJECT, file, "expected a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("added_tokens") && p.currentToken() == JsonToken.START_ARRAY) {
                    readAddedTokens(p, file, added);
                } else if (field.equals("model") && p.currentToken() == JsonToken.START_OBJECT) {
                    modelVocab = readModelVocab(p, file);
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw JsonFiles.malformed(file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (modelVocab == null) {
            throw new UserInputException(file + ": no model.vocab (a tokenizer model with a vocabulary is needed)");
        }
        modelVocab.putAll(added);
        return Collections.unmodifiableMap(modelVocab);
    }

    /** Returns null when the model has no {@code vocab} field. */
    private static Map<String, Integer> readModelVocab(JsonParser p, Path file) throws IOException {
        Map<String, Integer> vocab = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("vocab") && value == JsonToken.START_OBJECT) {
                vocab = readVocabObject(p, file);
            } else if (field.equals("vocab") && value == JsonToken.START_ARRAY) {
                vocab = readUnigramVocab(p, file);
            } else {
                p.skipChildren();
            }
        }
        return vocab;
    }

    private static Map<String, Integer> readVocabObject(JsonParser p, Path file) throws IOException {
        Map<String, Integer> vocab = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            expect(p, p.nextToken() == JsonToken.VALUE_NUMBER_INT && p.getIntValue() >= 0, file,
                    "model.vocab[\"" + token + "\"] must be a non-negative integer id");
            vocab.put(token, p.getIntValue());
        }
        return vocab;
    }

    /** Unigram: {@code [[piece, score], ...]}, the id of a piece is its position. */
    private static Map<String, Integer> readUnigramVocab(JsonParser p, Path file) throws IOException {
        Map<String, Integer> vocab = new HashMap<>();
        int id = 0;
        while (p.nextToken() == JsonToken.START_ARRAY) {
            expect(p, p.nextToken() == JsonToken.VALUE_STRING, file,
                    "model.vocab[" + id + "] must be a [piece, score] pair");
            vocab.putIfAbsent(p.getText(), id);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
            }
            id++;
        }
        expect(p, p.currentToken() == JsonToken.END_ARRAY, file,
                "model.vocab[" + id + "] must be a [piece, score] pair");
        return vocab;
    }

    private static void readAddedTokens(JsonParser p, Path file, Map<String, Integer> added)
            throws IOException {
        int index = 0;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String content = null;
            Integer id = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("id") && value == JsonToken.VALUE_NUMBER_INT) {
                    id = p.getIntValue();
                } else if (field.equals("content") && value == JsonToken.VALUE_STRING) {
                    content = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            expect(p, content != null && id != null && id >= 0, file,
                    "added_tokens[" + index + "] needs a string content and a non-negative integer id");
            added.put(content, id);
            index++;
        }
        expect(p, p.currentToken() == JsonToken.END_ARRAY, file,
                "added_tokens[" + index + "] must be an object");
    }

    private static void expect(JsonParser p, boolean ok, Path file, String what) {
        if (!ok) {
            var at = p.currentTokenLocation();
            throw new UserInputException(file + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + what);
        }
    }
}
