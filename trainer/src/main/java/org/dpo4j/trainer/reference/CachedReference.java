package org.dpo4j.trainer.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.losses.SequenceLogProbs;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.scoring.BatchPlan;
import org.dpo4j.trainer.scoring.PreferenceScorer;
import org.dpo4j.trainer.scoring.ReferenceSource;

/**
 * Reference sequence log-probs computed before training ({@code reference.precompute}): a batch
 * costs no forward pass. Pairs are found by id; the token counts and means are derived from the
 * batch's loss mask exactly as {@link org.dpo4j.losses.SequenceStats#logProbs} derives them.
 */
public final class CachedReference implements ReferenceSource {

    private final ReferenceLogProbs values;
    private final Map<String, Integer> index = new HashMap<>();

    /**
     * @param values log-probs of {@code pairs}, index for index
     * @param pairs  the pairs they were computed for
     * @throws IllegalArgumentException when two pairs share an id but not their tokens
     */
    public CachedReference(ReferenceLogProbs values, List<TokenizedPair> pairs) {
        if (values.pairs() != pairs.size()) {
            throw new IllegalArgumentException(values.pairs() + " cached values for " + pairs.size() + " pairs");
        }
        this.values = values;
        for (int i = 0; i < pairs.size(); i++) {
            TokenizedPair pair = pairs.get(i);
            Integer earlier = index.putIfAbsent(pair.id(), i);
            if (earlier != null && !sameTokens(pair, pairs.get(earlier))) {
                throw new IllegalArgumentException("two pairs are called " + pair.id() + " but differ in their tokens");
            }
        }
    }

    private static boolean sameTokens(TokenizedPair a, TokenizedPair b) {
        return Arrays.equals(a.prompt(), b.prompt()) && Arrays.equals(a.chosen(), b.chosen())
                && Arrays.equals(a.rejected(), b.rejected());
    }

    @Override
    public PreferenceScorer.ReferencePass pass(
            List<TokenizedPair> pairs, Batch.Tensors batch, BatchPlan plan, boolean keepTokenLogProbs) {
        if (keepTokenLogProbs) {
            throw new IllegalStateException(
                    "cached reference log-probs have no token distributions; this loss needs a live reference");
        }
        int b = pairs.size();
        float[] sums = new float[2 * b];
        float[] counts = new float[2 * b];
        for (int i = 0; i < b; i++) {
            Integer at = index.get(pairs.get(i).id());
            if (at == null) {
                throw new IllegalStateException("no cached reference log-probs for pair " + pairs.get(i).id());
            }
            sums[i] = (float) values.chosen()[at];
            sums[b + i] = (float) values.rejected()[at];
            counts[i] = (float) values.chosenTokens()[at];
            counts[b + i] = (float) values.rejectedTokens()[at];
        }
        NDArray lossMask = batch.lossMask();
        NDManager manager = lossMask.getManager();
        long seqLen = lossMask.getShape().get(1);
        NDArray count = lossMask.get(":, 1:" + seqLen).toType(DataType.FLOAT32, false).sum(new int[] {1});
        if (!Arrays.equals(count.toFloatArray(), counts)) {
            throw new IllegalStateException("cached token counts " + Arrays.toString(counts)
                    + " do not match the batch's " + Arrays.toString(count.toFloatArray()));
        }
        NDArray sum = ModelWeights.owned(manager, sums, new Shape(2L * b));
        NDArray mean = sum.div(count.maximum(1));
        return new PreferenceScorer.ReferencePass(new SequenceLogProbs(sum, mean, count), null);
    }
}
