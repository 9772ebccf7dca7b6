package org.dpo4j.trainer.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.KvCache;

/**
 * Samples continuations of one prompt with a key/value cache: the prompt is run once for all
 * samples (N identical rows, so no padding), then each step feeds one token per row
 * ({@link CausalLm#decode}), so a step costs O(prompt + generated) rather than a forward pass
 * over the whole sequence. A row stops at its first stop token; the others go on until all
 * have stopped or {@code max_new_tokens} tokens were generated.
 *
 * <p>Each row draws from its own {@link SplittableRandom}, split in row order from the one
 * given, so the samples of a prompt depend only on that generator's seed and the options.
 * Every step's arrays live in an {@code NDScope}; the cache is closed at the end.
 */
public final class Generator {

    private final CausalLm model;
    private final Set<Integer> stopIds;
    private final NDManager manager;

    /**
     * @param model   the policy
     * @param stopIds tokens that end a sample (EOS, and any others the model folder names)
     * @param manager the device's manager; the cache lives in a sub-manager of it
     */
    public Generator(CausalLm model, Set<Integer> stopIds, NDManager manager) {
        this.model = model;
        this.stopIds = Set.copyOf(stopIds);
        this.manager = manager;
    }

    /**
     * @param prompt  the prompt's ids (BOS and chat template already applied), not empty
     * @param count   samples to draw, ≥ 1
     * @param options temperature, top-k, top-p, max_new_tokens
     * @param random  the prompt's generator; the rows' generators are split from it
     * @return the samples, in row order
     */
    public List<Sample> sample(int[] prompt, int count, SamplingOptions options, SplittableRandom random) {
        int vocab = model.architecture().vocabSize();
        int maxNew = options.maxNewTokens();
        SplittableRandom[] rows = new SplittableRandom[count];
        for (int r = 0; r < count; r++) {
            rows[r] = random.split();
        }
        int[][] tokens = new int[count][maxNew];
        int[] lengths = new int[count];
        boolean[] stopped = new boolean[count];
        double[][] logProbs = new double[count][maxNew];
        double[][] entropies = new double[count][maxNew];
        try (KvCache cache = model.newCache(manager, count, prompt.length + maxNew - 1)) {
            float[] logits;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                long[] ids = new long[count * prompt.length];
                for (int r = 0; r < count; r++) {
                    for (int t = 0; t < prompt.length; t++) {
                        ids[r * prompt.length + t] = prompt[t];
                    }
                }
                Shape shape = new Shape(count, prompt.length);
                logits = model.prefill(manager.create(ids, shape), manager.ones(shape, DataType.INT64), cache)
                        .toFloatArray();
            }
            for (int step = 0; step < maxNew; step++) {
                long[] next = new long[count];
                boolean running = false;
                for (int r = 0; r < count; r++) {
                    if (stopped[r]) {
                        next[r] = tokens[r][lengths[r] - 1]; // fed but never read
                        continue;
                    }
                    int token = TokenSampler.choose(logits, r * vocab, vocab, options, rows[r]);
                    double[] own = TokenSampler.logProbAndEntropy(logits, r * vocab, vocab, token);
                    tokens[r][lengths[r]] = token;
                    logProbs[r][lengths[r]] = own[0];
                    entropies[r][lengths[r]] = own[1];
                    lengths[r]++;
                    stopped[r] = stopIds.contains(token);
                    running |= !stopped[r];
                    next[r] = token;
                }
                if (!running || step == maxNew - 1) {
                    break;
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray fed = manager.create(next);
                    logits = model.decode(fed, cache).toFloatArray();
                }
            }
        }
        List<Sample> samples = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            samples.add(new Sample(Arrays.copyOf(tokens[r], lengths[r]), Arrays.copyOf(logProbs[r], lengths[r]),
                    Arrays.copyOf(entropies[r], lengths[r]), stopped[r]));
        }
        return samples;
    }
}
