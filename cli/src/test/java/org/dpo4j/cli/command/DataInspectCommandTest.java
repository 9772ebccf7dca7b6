package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
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
}
