package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.cli.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpo4j data inspect}: statistics and rows exactly as the loss sees them. */
public class DataInspectCommandTest {

    @TempDir Path dir;

    private TestSupport.Result inspect(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "data";
        all[1] = "inspect";
        System.arraycopy(args, 0, all, 2, args.length);
        return TestSupport.run(TestSupport.env(new TestSupport.FakeTrainer(), dir), all);
    }

    @Test
    void theReadmesWorkedExampleShowsTheScoredTokens() {
        String soup = TestSupport.projectRoot().resolve("examples/soup.jsonl").toString();
        TestSupport.Result r = inspect("--set", "data.train=" + soup, "--set", "data.eval=" + soup,
                "--set", "data.max_length=16", "--set", "data.max_prompt_length=8", "--examples", "1");
        assertEquals(0, r.code(), r.err());
        // README, "Preference data": prompt keeps its last 8 tokens, each completion 16 - 8 = 8
        assertTrue(r.out().contains("  chosen:   e soup.\\n⟦It is lo⟧\n"), r.out());
        assertTrue(r.out().contains("  rejected: e soup.\\n⟦It is aw⟧\n"), r.out());
        assertTrue(r.out().contains("pairs: 1 training, 1 held-out"), r.out());
        assertTrue(r.out().contains("truncated: 2 prompts, 2 pairs' completions"), r.out());
    }

    @Test
    void theDefaultDataHasStatisticsAndExamples() {
        TestSupport.Result r = inspect("--examples", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("skipped bad records: none"), r.out());
        assertTrue(r.out().contains("token lengths of the training pairs"), r.out());
        assertTrue(r.out().matches("(?s).*padding at batch_size 8: \\d+\\.\\d% of the batch positions.*"), r.out());
        // every builtin prompt starts with BOS and ends with a newline; completions end with EOS
        assertEquals(2, r.out().split("example \\d: builtin:tiny-prefs#").length - 1, r.out());
        assertTrue(r.out().contains("  chosen:   <bos>"), r.out());
        assertTrue(r.out().contains("<eos>⟧"), r.out());
    }

    @Test
    void aBadRecordIsOneLineAndExitCode2() throws IOException {
        Path file = TestSupport.write(dir, "bad.jsonl", "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"a\"}\n");
        TestSupport.Result r = inspect("--set", "data.train=" + file);
        assertEquals(2, r.code(), r.out());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains(file + ":1: 'chosen' is identical to 'rejected'"), r.err());
    }

    /**
     * {@code --json} on the README's worked example (byte tokenizer: a token per byte, its id the
     * byte's value): the prompt keeps its last 8 tokens, "e soup.\n"; each completion its first
     * 16 - 8 = 8, "It is lo" and "It is aw", all scored; the mask covers prompt + completion.
     * The same file is the training and the held-out data, so there are two lines.
     */
    @Test
    void jsonGivesIdsScoredMaskAndTextPerPair() throws IOException {
        String soup = TestSupport.projectRoot().resolve("examples/soup.jsonl").toString();
        TestSupport.Result r = inspect("--set", "data.train=" + soup, "--set", "data.eval=" + soup,
                "--set", "data.max_length=16", "--set", "data.max_prompt_length=8", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode train = json.readTree(lines[0]);
        assertEquals(List.of("id", "split", "prompt_ids", "chosen_ids", "rejected_ids", "chosen_scored",
                "rejected_scored", "prompt_text", "chosen_text", "rejected_text"), fieldNames(train));
        assertEquals("train", train.get("split").asText());
        assertEquals("eval", json.readTree(lines[1]).get("split").asText());
        assertEquals(bytes("e soup.\n"), ints(train.get("prompt_ids")));
        assertEquals(bytes("It is lo"), ints(train.get("chosen_ids")));
        assertEquals(bytes("It is aw"), ints(train.get("rejected_ids")));
        List<Integer> mask = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            mask.add(i < 8 ? 0 : 1);
        }
        assertEquals(mask, ints(train.get("chosen_scored")));
        assertEquals(mask, ints(train.get("rejected_scored")));
        assertEquals("e soup.\n", train.get("prompt_text").asText());
        assertEquals("It is lo", train.get("chosen_text").asText());
        assertEquals("It is aw", train.get("rejected_text").asText());
    }

    /** Built-in data: BOS first in the prompt, EOS last in each completion, one mask entry per token. */
    @Test
    void jsonOnTheDefaultDataMarksOnlyCompletions() throws IOException {
        TestSupport.Result r = inspect("--json", "--examples", "2");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(4, lines.length, "two training and two held-out pairs: " + r.out());
        for (String line : lines) {
            JsonNode pair = new ObjectMapper().readTree(line);
            List<Integer> prompt = ints(pair.get("prompt_ids"));
            List<Integer> chosen = ints(pair.get("chosen_ids"));
            List<Integer> scored = ints(pair.get("chosen_scored"));
            assertEquals(256, prompt.get(0), "BOS of the byte tokenizer");
            assertEquals(257, chosen.get(chosen.size() - 1), "EOS of the byte tokenizer");
            assertEquals(prompt.size() + chosen.size(), scored.size());
            assertEquals(chosen.size(), scored.stream().mapToInt(Integer::intValue).sum());
            assertTrue(scored.subList(0, prompt.size()).stream().allMatch(v -> v == 0));
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values;
    }

    private static List<Integer> bytes(String text) {
        List<Integer> values = new ArrayList<>();
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            values.add(b & 0xff);
        }
        return values;
    }
}
