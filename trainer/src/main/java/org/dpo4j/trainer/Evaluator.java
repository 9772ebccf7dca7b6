package org.dpo4j.trainer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.TokenizedPair;

/** The loss metrics of the policy on held-out pairs, without gradients. */
final class Evaluator {

    private final PreferenceScorer scorer;
    private final Batcher batcher;
    private final List<TokenizedPair> pairs;
    private final int batchSize;

    Evaluator(PreferenceScorer scorer, Batcher batcher, List<TokenizedPair> pairs, int batchSize) {
        this.scorer = scorer;
        this.batcher = batcher;
        this.pairs = List.copyOf(pairs);
        this.batchSize = batchSize;
    }

    /** Pair-weighted means over all held-out pairs, named {@code eval/...}. */
    MetricsRecord evaluate(int step, NDManager manager) {
        MetricsWindow window = new MetricsWindow();
        for (int from = 0; from < pairs.size(); from += batchSize) {
            List<TokenizedPair> chunk = pairs.subList(from, Math.min(from + batchSize, pairs.size()));
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Batch.Tensors tensors = batcher.batch(chunk).toTensors(manager);
                PreferenceScorer.ReferencePass reference = scorer.reference(tensors);
                window.add(scorer.score(tensors, reference, chunk.size()).metrics(), chunk.size());
            }
        }
        return new MetricsRecord(step, window.means(MetricNames.EVAL_PREFIX));
    }
}
