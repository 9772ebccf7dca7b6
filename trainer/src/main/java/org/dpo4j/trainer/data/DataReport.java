package org.dpo4j.trainer.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the data pipeline did, for the run's summary, the first record of {@code metrics.jsonl}
 * and {@code dpo4j data inspect}.
 *
 * @param trainPairs           training pairs kept
 * @param evalPairs            held-out pairs kept
 * @param skipped              bad records skipped ({@code data.on_bad_record: skip}), by reason
 * @param tokenization         what tokenization did (over train and eval)
 * @param conversationalPairs  pairs that were conversations rendered by {@code template}
 * @param template             the chat template used, or null when no record was a conversation
 */
public record DataReport(
        int trainPairs, int evalPairs, Map<String, Integer> skipped, PairTokenizer.Stats tokenization,
        int conversationalPairs, String template) {

    public DataReport {
        skipped = Map.copyOf(new TreeMap<>(skipped));
    }

    /** Bad records skipped, over all reasons. */
    public int skippedTotal() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The record written as step 0 of {@code metrics.jsonl}: {@code data/train_pairs},
     * {@code data/eval_pairs}, {@code data/skipped/<reason>}, {@code data/dropped/empty_completion},
     * {@code data/boundary_retokenized}, {@code data/truncated/prompt},
     * {@code data/truncated/completion}.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("data/train_pairs", (double) trainPairs);
        m.put("data/eval_pairs", (double) evalPairs);
        new TreeMap<>(skipped).forEach((reason, n) -> m.put("data/skipped/" + reason, (double) n));
        m.put("data/dropped/empty_completion", (double) tokenization.dropped());
        m.put("data/boundary_retokenized", (double) tokenization.boundaryRetokenized());
        m.put("data/truncated/prompt", (double) tokenization.promptsTruncated());
        m.put("data/truncated/completion", (double) tokenization.completionsTruncated());
        return m;
    }

    /** One line for the run's start, or null when there is nothing to say. */
    public String summaryLine() {
        StringBuilder s = new StringBuilder();
        if (skippedTotal() > 0) {
            s.append("skipped ").append(skippedTotal()).append(" bad record(s) (");
            StringBuilder reasons = new StringBuilder();
            new TreeMap<>(skipped).forEach((reason, n) -> reasons.append(reasons.length() > 0 ? ", " : "").append(n).append(' ').append(reason));
            s.append(reasons).append(')');
        }
        if (tokenization.dropped() > 0) {
            s.append(s.length() > 0 ? "; " : "").append("dropped ").append(tokenization.dropped())
                    .append(" pair(s) whose completion max_length left empty");
        }
        return s.length() == 0 ? null : "data: " + s;
    }
}
