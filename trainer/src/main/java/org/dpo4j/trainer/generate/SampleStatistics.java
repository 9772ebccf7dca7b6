package org.dpo4j.trainer.generate;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The diversity and divergence of a set of samples, the quantities the f-DPO paper (Wang et al.
 * 2023, Table 2, Fig. 3) and the TDPO paper (Zeng et al. 2024) trade against reward.
 *
 * <ul>
 *   <li><b>distinct-n</b> = |{distinct n-grams}| / Σ_samples (number of n-grams), over the
 *       generated token ids of all samples together (token level; n-grams never span two
 *       samples; the stop token is not counted). 0 when no sample has n tokens.
 *   <li><b>mean entropy</b> = Σ_samples Σ_t H(π(·|x, y_&lt;t)) / Σ_samples |y|: the entropy in
 *       nats of the model's own next-token distribution (temperature 1, before top-k/top-p) at
 *       every generated position, the stop token's included, averaged over tokens.
 *   <li><b>mean sequence KL</b> = (1/M) Σ_{m=1..M} Σ_t [log π(y_t^m | x, y_&lt;t^m) −
 *       log π_ref(y_t^m | x, y_&lt;t^m)], y^m ~ π: the Monte-Carlo estimate of KL(π ‖ π_ref) on
 *       the samples (one unbiased term per sample), as the f-DPO paper reports it. Single
 *       samples can be negative; the mean tends to the KL, which is ≥ 0.
 * </ul>
 *
 * @param samples     M, the samples
 * @param tokens      Σ |y^m|, generated tokens (stop tokens included)
 * @param distinct1   distinct-1
 * @param distinct2   distinct-2
 * @param meanEntropy mean per-token entropy, nats
 * @param meanKl      mean sequence KL to the reference, nats; null without a reference
 */
public record SampleStatistics(int samples, long tokens, double distinct1, double distinct2, double meanEntropy,
        Double meanKl) {

    /**
     * @param samples     every sample of every prompt
     * @param sequenceKls each sample's Σ_t log-ratio, same order, or null without a reference
     */
    public static SampleStatistics of(List<Sample> samples, double[] sequenceKls) {
        List<int[]> texts = samples.stream().map(Sample::textTokens).toList();
        long tokens = 0;
        double entropy = 0;
        for (Sample s : samples) {
            tokens += s.tokens().length;
            for (double h : s.entropies()) {
                entropy += h;
            }
        }
        Double kl = null;
        if (sequenceKls != null) {
            if (sequenceKls.length != samples.size()) {
                throw new IllegalArgumentException(sequenceKls.length + " KLs for " + samples.size() + " samples");
            }
            double sum = 0;
            for (double v : sequenceKls) {
                sum += v;
            }
            kl = samples.isEmpty() ? 0.0 : sum / samples.size();
        }
        return new SampleStatistics(samples.size(), tokens, distinct(texts, 1), distinct(texts, 2),
                tokens == 0 ? 0.0 : entropy / tokens, kl);
    }

    /** distinct-n over {@code sequences}: unique n-grams / n-grams, 0 when there is none. */
    public static double distinct(List<int[]> sequences, int n) {
        Set<List<Integer>> unique = new HashSet<>();
        long total = 0;
        for (int[] seq : sequences) {
            for (int i = 0; i + n <= seq.length; i++) {
                Integer[] gram = new Integer[n];
                for (int j = 0; j < n; j++) {
                    gram[j] = seq[i + j];
                }
                unique.add(List.of(gram));
                total++;
            }
        }
        return total == 0 ? 0.0 : (double) unique.size() / total;
    }
}
