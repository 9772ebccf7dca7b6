package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.ColumnsConfig;
import org.dpo4j.trainer.config.DataConfig;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole data pipeline on files: formats, bad-record policy, split, report. */
class PreparedDataTest {

    @TempDir Path dir;

    private static DataConfig config(List<String> train, List<String> eval, String onBadRecord, String chatTemplate) {
        return new DataConfig(train, eval, "auto", new ColumnsConfig("prompt", "chosen", "rejected"), chatTemplate,
                0.25, 64, 32, "keep_start", onBadRecord);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** Four prompts with two pairs each, one JSON record per line. */
    private static String goodLines() {
        StringBuilder s = new StringBuilder();
        for (int p = 0; p < 4; p++) {
            for (int k = 0; k < 2; k++) {
                s.append("{\"prompt\": \"P").append(p).append("\", \"chosen\": \"good").append(k)
                        .append("\", \"rejected\": \"bad").append(k).append("\"}\n");
            }
        }
        return s.toString();
    }

    @Test
    void aBadRecordStopsTheRunWithFileAndLine() throws IOException {
        Path file = write("d.jsonl", goodLines() + "{\"prompt\": \"P9\", \"chosen\": \"same\", \"rejected\": \"same\"}\n");
        String message = assertThrows(UserInputException.class, () -> PreparedData.prepare(
                config(List.of(file.toString()), null, "error", "auto"), new ByteTokenizer(), null, 1)).getMessage();
        assertTrue(message.startsWith(file + ":9: 'chosen' is identical to 'rejected'"), message);
        assertTrue(message.contains("data.on_bad_record: skip"), message);
    }

    @Test
    void skippedRecordsAreCountedByReason() throws IOException {
        Path file = write("d.jsonl", goodLines()
                + "{\"prompt\": \"P9\", \"chosen\": \"same\", \"rejected\": \"same\"}\n"
                + "not json\n"
                + "{\"prompt\": \"P9\", \"rejected\": \"x\"}\n"
                + "{\"prompt\": \"P9\", \"chosen\": \"\", \"rejected\": \"x\"}\n");
        PreparedData data = PreparedData.prepare(config(List.of(file.toString()), null, "skip", "auto"), new ByteTokenizer(), null, 1);
        assertEquals(Map.of("identical_completions", 1, "malformed_json", 1, "missing_field", 1, "empty_field", 1),
                data.report().skipped());
        assertEquals(8, data.report().trainPairs() + data.report().evalPairs());
        assertEquals(1.0, data.report().metrics().get("data/skipped/malformed_json"));
        assertTrue(data.report().summaryLine().contains("skipped 4 bad record(s)"), data.report().summaryLine());
    }

    @Test
    void theHeldOutSplitIsDisjointByPromptAndStable() throws IOException {
        Path file = write("d.jsonl", goodLines());
        DataConfig c = config(List.of(file.toString()), null, "error", "auto");
        PreparedData a = PreparedData.prepare(c, new ByteTokenizer(), null, 5);
        PreparedData b = PreparedData.prepare(c, new ByteTokenizer(), null, 5);
        assertEquals(ids(a.eval()), ids(b.eval()));
        // 0.25 · 8 = 2 pairs = one whole prompt
        assertEquals(2, a.eval().size());
        Set<String> trainPrompts = new HashSet<>();
        a.train().forEach(p -> trainPrompts.add(java.util.Arrays.toString(p.prompt())));
        a.eval().forEach(p -> assertTrue(!trainPrompts.contains(java.util.Arrays.toString(p.prompt()))));
    }

    @Test
    void severalFilesAndAJsonArrayAndAnEvalFile() throws IOException {
        Path one = write("a.jsonl", goodLines());
        Path two = write("b.json", "[{\"prompt\": \"Q\", \"chosen\": \"y\", \"rejected\": \"n\"}]");
        Path eval = write("e.jsonl", "{\"chosen\": \"Q? yes\", \"rejected\": \"Q? no\"}\n");
        PreparedData data = PreparedData.prepare(
                config(List.of(one.toString(), two.toString()), List.of(eval.toString()), "error", "auto"),
                new ByteTokenizer(), null, 1);
        assertEquals(9, data.train().size());
        assertEquals(List.of(eval + ":1"), ids(data.eval()));
        // implicit prompt "Q?"; the space before the split starts each completion
        assertEquals("Q?", new ByteTokenizer().decode(data.eval().get(0).prompt()));
    }

    @Test
    void anEmptyOrMissingFileSaysSo() throws IOException {
        Path empty = write("empty.jsonl", "");
        String message = assertThrows(UserInputException.class, () -> PreparedData.prepare(
                config(List.of(empty.toString()), null, "error", "auto"), new ByteTokenizer(), null, 1)).getMessage();
        assertEquals(empty + ": no records (the file is empty)", message);
        String missing = assertThrows(UserInputException.class, () -> PreparedData.prepare(
                config(List.of(dir.resolve("nope.jsonl").toString()), null, "error", "auto"), new ByteTokenizer(), null, 1))
                .getMessage();
        assertTrue(missing.startsWith("data.train: ") && missing.contains("does not exist"), missing);
    }

    @Test
    void allRecordsBadWhenSkippingSaysSo() throws IOException {
        Path file = write("d.jsonl", "not json\n[1]\n");
        String message = assertThrows(UserInputException.class, () -> PreparedData.prepare(
                config(List.of(file.toString()), null, "skip", "auto"), new ByteTokenizer(), null, 1)).getMessage();
        assertTrue(message.startsWith("data.train: no usable record"), message);
    }

    @Test
    void conversationsAreRenderedWithTheChatTemplateAndOnlyTheAnswerIsScored() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String q : List.of("Hi", "Yo")) {
            lines.append("{\"prompt\": [{\"role\": \"user\", \"content\": \"").append(q).append("\"}],"
                    + " \"chosen\": [{\"role\": \"assistant\", \"content\": \"Hello!\"}],"
                    + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"Go away.\"}]}\n");
        }
        Path file = write("chat.jsonl", lines.toString());
        ByteTokenizer bytes = new ByteTokenizer();
        DataConfig roomy = new DataConfig(List.of(file.toString()), List.of(file.toString()), "auto",
                new ColumnsConfig("prompt", "chosen", "rejected"), "auto", 0.25, 128, 64, "keep_start", "error");
        PreparedData data = PreparedData.prepare(roomy, bytes, null, 1);
        // no model folder: auto falls back to ChatML
        assertEquals(2, data.report().conversationalPairs() / 2);
        assertTrue(data.report().template().startsWith("chatml"), data.report().template());
        TokenizedPair first = data.train().get(0);
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", bytes.decode(first.prompt()));
        // the scored part is the answer and the template's turn end; EOS (257) is appended after it
        assertEquals("Hello!<|im_end|>\n", bytes.decode(first.chosen()));
        assertEquals(ByteTokenizer.EOS, first.chosen()[first.chosen().length - 1]);
        assertEquals("Go away.<|im_end|>\n", bytes.decode(first.rejected()));
    }

    @Test
    void aParquetFileWithConversationsReadsLikeJsonl() throws IOException {
        Path file = dir.resolve("d.parquet");
        MessageType schema = MessageTypeParser.parseMessageType("""
                message m {
                  required binary prompt (STRING);
                  required binary chosen (STRING);
                  required binary rejected (STRING);
                }""");
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration()).withType(schema).build()) {
            for (int p = 0; p < 4; p++) {
                writer.write(new SimpleGroupFactory(schema).newGroup()
                        .append("prompt", "P" + p).append("chosen", "good").append("rejected", "bad"));
            }
        }
        PreparedData data = PreparedData.prepare(config(List.of(file.toString()), null, "error", "auto"), new ByteTokenizer(), null, 1);
        assertEquals(4, data.train().size() + data.eval().size());
        assertTrue(ids(data.train()).stream().allMatch(id -> id.startsWith(file + ":row ")), ids(data.train()).toString());
    }

    private static List<String> ids(List<TokenizedPair> pairs) {
        return pairs.stream().map(TokenizedPair::id).toList();
    }

    /**
     * Qwen3's official template (its own folder's tokenizer_config.json) on a conversational file
     * with a system message, an earlier exchange and a think block: every record renders, none
     * is bad. The prompt ends with the generation prompt {@code <|im_start|>assistant⏎}; the
     * template writes the last answer with its think block, empty when it has none, so that is
     * the scored text.
     */
    @Test
    void qwen3ConversationsRenderWithoutBadRecords() throws IOException {
        Path model = Files.createDirectories(dir.resolve("qwen3"));
        String template = Files.readString(Path.of(
                getClass().getResource("/chat/official/qwen3.jinja").getPath()));
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(
                model.resolve("tokenizer_config.json").toFile(),
                Map.of("chat_template", template, "eos_token", "<|im_end|>"));
        String lines = """
                {"prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}], \
                "chosen": [{"role": "assistant", "content": "Hello!"}], \
                "rejected": [{"role": "assistant", "content": "Go away."}]}
                {"prompt": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}, \
                {"role": "user", "content": "3+3?"}], \
                "chosen": [{"role": "assistant", "content": "<think>\\nAdd.\\n</think>\\n\\n6"}], \
                "rejected": [{"role": "assistant", "content": "7"}]}
                """;
        Path file = write("qwen3.jsonl", lines);
        ByteTokenizer bytes = new ByteTokenizer();
        DataConfig roomy = new DataConfig(List.of(file.toString()), List.of(file.toString()), "auto",
                new ColumnsConfig("prompt", "chosen", "rejected"), "model", 0.25, 256, 128, "keep_start",
                "error");
        PreparedData data = PreparedData.prepare(roomy, bytes, model, 1);
        assertEquals(2, data.train().size());
        assertTrue(data.report().skipped().isEmpty(), data.report().skipped().toString());
        Map<String, TokenizedPair> byPrompt = new java.util.HashMap<>();
        for (TokenizedPair pair : data.train()) {
            byPrompt.put(bytes.decode(pair.prompt()), pair);
        }
        String think = "<think>\n\n</think>\n\n";
        TokenizedPair first = byPrompt.get("<|im_start|>system\nBe brief.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertEquals(think + "Hello!<|im_end|>\n", bytes.decode(first.chosen()));
        assertEquals(think + "Go away.<|im_end|>\n", bytes.decode(first.rejected()));
        TokenizedPair second = byPrompt.get("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n4"
                + "<|im_end|>\n<|im_start|>user\n3+3?<|im_end|>\n<|im_start|>assistant\n");
        assertEquals("<think>\nAdd.\n</think>\n\n6<|im_end|>\n", bytes.decode(second.chosen()));
        assertEquals(think + "7<|im_end|>\n", bytes.decode(second.rejected()));
    }

    /**
     * A model whose template would loop 10^9 times: each conversational record is a bad record
     * naming the limit and the key that raises it, and the run stops at the first (or, skipping,
     * counts them all).
     */
    @Test
    void aTemplatePastItsLimitsMakesBadRecords() throws IOException {
        Path model = Files.createDirectories(dir.resolve("hostile"));
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(
                model.resolve("tokenizer_config.json").toFile(),
                Map.of("chat_template", "{% for i in range(10**9) %}{% endfor %}{{ messages[0].content }}"));
        String record = "{\"prompt\": [{\"role\": \"user\", \"content\": \"Hi\"}],"
                + " \"chosen\": [{\"role\": \"assistant\", \"content\": \"A\"}],"
                + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"B\"}]}\n";
        Path file = write("hostile.jsonl", record + record);
        String message = assertThrows(UserInputException.class, () -> PreparedData.prepare(
                config(List.of(file.toString()), null, "error", "model"), new ByteTokenizer(), model, 1))
                .getMessage();
        assertTrue(message.startsWith(file + ":1: the chat template failed: chat template "), message);
        assertTrue(message.contains("stopped: range() of 1000000000 items is more than"
                + " data.template_limits.max_range (100000); raise it if the template is trusted"), message);
        String skipped = assertThrows(UserInputException.class, () -> PreparedData.prepare(
                config(List.of(file.toString()), null, "skip", "model"), new ByteTokenizer(), model, 1))
                .getMessage();
        assertTrue(skipped.contains("(all 2 were skipped as bad)"), skipped);
    }
}
