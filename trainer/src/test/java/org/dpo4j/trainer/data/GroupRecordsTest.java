package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dpo4j.losses.Completions;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.ColumnsConfig;
import org.dpo4j.trainer.config.DataConfig;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * D2O's records (prompt, rejected, K samples) and WRPO's (prompt, source_chosen, chosen, rejected)
 * through the whole data pipeline: each completion becomes its row slot ({@link CompletionRows}),
 * tokenized as the pair's two are, and laid out slot-major by the batcher; bad records stop the
 * run with file:line and what is allowed.
 */
class GroupRecordsTest {

    @TempDir Path dir;

    private static DataConfig config(Path train, String onBadRecord) {
        return new DataConfig(List.of(train.toString()), null, "auto", new ColumnsConfig("prompt", "chosen", "rejected"),
                "auto", 0.25, 64, 32, "keep_start", onBadRecord);
    }

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("d.jsonl"), content);
    }

    private static String d2o(int prompts, int k) {
        StringBuilder s = new StringBuilder();
        for (int p = 0; p < prompts; p++) {
            s.append("{\"prompt\": \"P").append(p).append(" \", \"rejected\": \"bad").append(p).append("\", \"samples\": [");
            for (int j = 0; j < k; j++) {
                s.append(j == 0 ? "" : ", ").append("\"s").append(j).append("x".repeat(j)).append("\"");
            }
            s.append("]}\n");
        }
        return s.toString();
    }

    private static PreparedData prepare(Path file, Completions kind, String onBadRecord) {
        return PreparedData.prepare(config(file, onBadRecord), kind, new ByteTokenizer(), null, 1);
    }

    @Test
    void d2oRecordsKeepTheirKSamplesInSlotOrder() throws IOException {
        PreparedData data = prepare(write(d2o(8, 3)), Completions.REJECTED_AND_SAMPLES, "error");
        try (ByteTokenizer bytes = new ByteTokenizer()) {
            for (TokenizedPair pair : data.train()) {
                assertEquals(4, pair.rows());
                assertTrue(bytes.decode(pair.rejected()).startsWith("bad"));
                int[] slots = CompletionRows.sampleSlots(pair.rows());
                for (int j = 0; j < slots.length; j++) {
                    assertEquals("s" + j + "x".repeat(j), bytes.decode(Arrays.copyOf(pair.completion(slots[j]),
                            pair.completion(slots[j]).length - 1)), "sample " + j);
                }
            }
        }
        Batch batch = new Batcher(0).batch(data.train().subList(0, 2));
        assertEquals(4, batch.rowsPerPair());
        TokenizedPair second = data.train().get(1);
        int row = (3 * 2 + 1) * batch.seqLen(); // slot 3 of pair 1
        int[] expected = concat(second.prompt(), second.completion(3));
        long[] ids = Arrays.copyOfRange(batch.inputIds(), row, row + expected.length);
        assertArrayEquals(Arrays.stream(expected).asLongStream().toArray(), ids);
    }

    @Test
    void wrpoRecordsPutTheSourceChosenInTheThirdRow() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int p = 0; p < 8; p++) {
            s.append("{\"prompt\": \"P").append(p).append(" \", \"source_chosen\": \"src").append(p)
                    .append("\", \"chosen\": \"good\", \"rejected\": \"bad\"}\n");
        }
        PreparedData data = prepare(write(s.toString()), Completions.SOURCE_CHOSEN_AND_PAIRS, "error");
        try (ByteTokenizer bytes = new ByteTokenizer()) {
            TokenizedPair pair = data.train().get(0);
            assertEquals(3, pair.rows());
            assertTrue(bytes.decode(pair.completion(CompletionRows.sourceChosenSlot())).startsWith("src"));
            assertTrue(bytes.decode(pair.chosen()).startsWith("good"));
        }
    }

    @Test
    void aDifferentNumberOfSamplesIsABadRecordWithFileAndLine() throws IOException {
        Path file = write(d2o(4, 3) + d2o(1, 2));
        String message = assertThrows(UserInputException.class,
                () -> prepare(file, Completions.REJECTED_AND_SAMPLES, "error")).getMessage();
        assertTrue(message.startsWith(file + ":5: 'samples' has 2 completion(s) where the first record"), message);
        assertTrue(message.contains("every record needs the same number K"), message);
        PreparedData skipped = prepare(file, Completions.REJECTED_AND_SAMPLES, "skip");
        assertEquals(Map.of("sample_count", 1), skipped.report().skipped());
    }

    @Test
    void missingOrMistypedFieldsSayWhatIsAllowed() throws IOException {
        String good = d2o(4, 2);
        Path noSamples = write(good + "{\"prompt\": \"P\", \"rejected\": \"bad\"}\n");
        String message = assertThrows(UserInputException.class,
                () -> prepare(noSamples, Completions.REJECTED_AND_SAMPLES, "error")).getMessage();
        assertTrue(message.startsWith(noSamples + ":5: missing field 'samples'"), message);
        Path notAList = write(good + "{\"prompt\": \"P\", \"rejected\": \"bad\", \"samples\": \"one\"}\n");
        message = assertThrows(UserInputException.class,
                () -> prepare(notAList, Completions.REJECTED_AND_SAMPLES, "error")).getMessage();
        assertTrue(message.startsWith(notAList + ":5: field 'samples' must be a non-empty list of K completions"),
                message);
        Path noPrompt = write(good + "{\"rejected\": \"bad\", \"samples\": [\"a\", \"b\"]}\n");
        message = assertThrows(UserInputException.class,
                () -> prepare(noPrompt, Completions.REJECTED_AND_SAMPLES, "error")).getMessage();
        assertTrue(message.startsWith(noPrompt + ":5: missing field 'prompt' (records of rejected_and_samples need"
                + " prompt, rejected, samples"), message);
        Path noSource = write("{\"prompt\": \"P\", \"chosen\": \"a\", \"rejected\": \"b\"}\n");
        message = assertThrows(UserInputException.class,
                () -> prepare(noSource, Completions.SOURCE_CHOSEN_AND_PAIRS, "error")).getMessage();
        assertTrue(message.startsWith(noSource + ":1: missing field 'source_chosen'"), message);
    }

    @Test
    void theBuiltInPairsAreRefusedForOtherRecords() {
        DataConfig builtin = new DataConfig(List.of("builtin:tiny-prefs"), null, "auto",
                new ColumnsConfig("prompt", "chosen", "rejected"), "auto", 0.25, 64, 32, "keep_start", "error");
        String message = assertThrows(UserInputException.class, () -> PreparedData.prepare(builtin,
                Completions.REJECTED_AND_SAMPLES, new ByteTokenizer(), null, 1)).getMessage();
        assertTrue(message.startsWith("data.train: builtin:tiny-prefs holds pairs"), message);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
