package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.metrics.MetricsWindow;

/**
 * The loss metrics of the policy on held-out pairs, without gradients: their means as
 * {@code eval/...} records, and every pair's values in {@code eval/step-N.jsonl}
 * ({@link PairResultsWriter}).
 */
public final class Evaluator {

    private final PreferenceScorer scorer;
    private final Batcher batcher;
    private final List<TokenizedPair> pairs;
    private final int batchSize;
    private final PairResultsWriter pairResults;

    /** @param pairResults writes the per-pair file of each evaluation */
    public Evaluator(PreferenceScorer scorer, Batcher batcher, List<TokenizedPair> pairs, int batchSize,
            PairResultsWriter pairResults) {
        this.scorer = scorer;
        this.batcher = batcher;
        this.pairs = List.copyOf(pairs);
        this.batchSize = batchSize;
        this.pairResults = pairResults;
    }

    /**
     * This evaluator with its loss as training applies it at optimizer step {@code step} (0-based,
     * {@link PreferenceScorer#atStep}: WRPO's α ramp). Training evaluates after step n with step
     * n−1's loss, the one its last step trained with; {@code dpo4j eval} uses the loss as configured
     * (the ramp's end).
     */
    public Evaluator atStep(long step) {
        PreferenceScorer current = scorer.atStep(step);
        return current == scorer ? this : new Evaluator(current, batcher, pairs, batchSize, pairResults);
    }

    /**
     * Pair-weighted means over all held-out pairs, named {@code eval/...}; writes the pairs' own
     * values to {@code eval/step-<step>.jsonl}.
     */
    public MetricsRecord evaluate(int step, NDManager manager) {
        return evaluate(step, manager, pairResults.file(step));
    }

    /** As {@link #evaluate(int, NDManager)}, writing the pairs' values to {@code pairsFile}. */
    public MetricsRecord evaluate(int step, NDManager manager, java.nio.file.Path pairsFile) {
        MetricsWindow window = new MetricsWindow();
        List<Map<String, Object>> rows = new ArrayList<>(pairs.size());
        for (int from = 0; from < pairs.size(); from += batchSize) {
            List<TokenizedPair> chunk = pairs.subList(from, Math.min(from + batchSize, pairs.size()));
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Batch.Tensors tensors = batcher.batch(chunk).toTensors(manager);
                BatchPlan plan = scorer.plan(tensors, chunk.size());
                PreferenceScorer.ReferencePass reference = scorer.reference(chunk, tensors, plan);
                PreferenceScorer.Scored scored = scorer.score(tensors, plan, reference, chunk.size());
                window.add(scored.metrics(), chunk.size());
                rows.addAll(pairResults.rows(chunk.stream().map(TokenizedPair::id).toList(), scored));
            }
        }
        pairResults.write(pairsFile, rows);
        return new MetricsRecord(step, window.means(MetricNames.EVAL_PREFIX));
    }
}
