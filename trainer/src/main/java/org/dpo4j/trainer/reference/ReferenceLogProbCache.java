package org.dpo4j.trainer.reference;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.dpo4j.losses.SequenceLogProbs;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.TokenizedPair;

/**
 * {@code reference.precompute}: the reference's sequence log-probs of every pair, from the cache
 * file of their {@link ReferenceCacheKey} when it is valid, else computed (one reference forward
 * per batch of pairs of similar length) and written there for later runs.
 */
public final class ReferenceLogProbCache {

    private ReferenceLogProbCache() {}

    /**
     * @param reference the reference model
     * @param pairs     training pairs, then held-out pairs
     * @param batcher   lays pairs out as batches
     * @param batchSize pairs per forward pass
     * @param manager   where the batches live
     * @param directory the cache folder (created when missing)
     * @param notes     receives one line about what happened
     */
    public static ReferenceLogProbs loadOrBuild(LiveReference reference, List<TokenizedPair> pairs, Batcher batcher, int padId,
            int batchSize, NDManager manager, Path directory, Consumer<String> notes) {
        String key = ReferenceCacheKey.of(reference.model().architecture(), reference.model().weights(), pairs, padId);
        Path file = ReferenceCacheFile.path(directory, key);
        String why = null;
        if (Files.exists(file)) {
            try {
                ReferenceLogProbs values = ReferenceCacheFile.read(file, key, pairs.size());
                notes.accept("reference.precompute: reusing the reference log-probs of " + pairs.size()
                        + " pairs from " + file);
                return values;
            } catch (ReferenceCacheFile.Invalid e) {
                why = e.getMessage();
            }
        }
        long start = System.nanoTime();
        long forwardsBefore = reference.forwards();
        ReferenceLogProbs values = compute(reference, pairs, batcher, batchSize, manager);
        String done = String.format("%d pairs in %.1f s (%d forward passes)", pairs.size(),
                (System.nanoTime() - start) / 1e9, reference.forwards() - forwardsBefore);
        try {
            ReferenceCacheFile.write(file, key, values);
            notes.accept("reference.precompute: " + (why == null ? "computed" : "recomputed (the cached file was " + why + ")")
                    + " the reference log-probs of " + done + "; cached in " + file);
        } catch (IOException e) {
            notes.accept("warning: reference.precompute: computed the reference log-probs of " + done
                    + " but cannot cache them in " + file + " (" + e.getMessage() + "); set DPO4J_CACHE to a writable folder");
        }
        return values;
    }

    /** Batches of similar length (less padding), each in its own scope. */
    public static ReferenceLogProbs compute(
            LiveReference reference, List<TokenizedPair> pairs, Batcher batcher, int batchSize, NDManager manager) {
        int[] order = IntStream.range(0, pairs.size()).boxed()
                .sorted(Comparator.comparingInt(i -> pairs.get(i).maxRowLength()))
                .mapToInt(Integer::intValue).toArray();
        ReferenceLogProbs values = ReferenceLogProbs.zeros(pairs.size());
        for (int from = 0; from < order.length; from += batchSize) {
            int[] chunk = java.util.Arrays.copyOfRange(order, from, Math.min(from + batchSize, order.length));
            List<TokenizedPair> batchPairs = IntStream.of(chunk).mapToObj(pairs::get).toList();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Batch.Tensors tensors = batcher.batch(batchPairs).toTensors(manager);
                SequenceLogProbs logProbs = reference.pass(batchPairs, tensors, reference.plan(tensors), false).logProbs();
                float[] sums = logProbs.sum().toFloatArray();
                float[] counts = logProbs.tokenCount().toFloatArray();
                int b = chunk.length;
                for (int i = 0; i < b; i++) {
                    values.chosen()[chunk[i]] = sums[i];
                    values.rejected()[chunk[i]] = sums[b + i];
                    values.chosenTokens()[chunk[i]] = counts[i];
                    values.rejectedTokens()[chunk[i]] = counts[b + i];
                }
            }
        }
        return values;
    }
}
