package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.registry.ModelPresets;

/** Batches and models the scoring tests share. */
final class ScoringFixtures {

    private ScoringFixtures() {}

    /**
     * Three pairs whose (prompt, chosen, rejected) lengths are (3, 7, 4), (9, 2, 10), (1, 5, 1), so
     * padding and scored columns differ per row; token ids uniform in [1, vocab), drawn from
     * {@code seed} prompt, chosen, rejected, pair after pair.
     */
    static List<TokenizedPair> threePairs(long seed, int vocab) {
        Random random = new Random(seed);
        int[][] lengths = {{3, 7, 4}, {9, 2, 10}, {1, 5, 1}};
        List<TokenizedPair> pairs = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            pairs.add(new TokenizedPair("p" + i, random.ints(lengths[i][0], 1, vocab).toArray(),
                    random.ints(lengths[i][1], 1, vocab).toArray(), random.ints(lengths[i][2], 1, vocab).toArray()));
        }
        return pairs;
    }

    /** The tiny Llama preset over {@code vocab} ids, weights drawn from {@code seed}. */
    static CausalLm tinyLlama(long seed, int vocab, NDManager manager) {
        ModelArchitecture architecture = ModelPresets.of("llama", "tiny", vocab);
        return CausalLm.of(architecture, ModelInitializer.randomWeights(architecture, seed, manager));
    }
}
