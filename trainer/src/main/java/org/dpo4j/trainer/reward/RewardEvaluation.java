package org.dpo4j.trainer.reward;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.generate.ModelGeneration;
import org.dpo4j.trainer.generate.ModelGeneration.Completion;
import org.dpo4j.trainer.generate.ModelGeneration.PromptSamples;
import org.dpo4j.trainer.generate.Prompt;
import org.dpo4j.trainer.generate.SampleStatistics;

/**
 * Scores a model's samples with a known reward: per prompt and over all prompts, the mean
 * reward, the sequence KL to the reference, diversity and entropy: the quantities the f-DPO
 * paper (reward against entropy and distinct-n) and the TDPO paper (reward against sequence KL)
 * trade against each other.
 *
 * <p>Diversity is given twice: over the model's tokens ({@link SampleStatistics#distinct}; for
 * the byte-level presets a token is a byte, so this is close to a character count) and over
 * words (maximal runs of letters, lower-cased), as the f-DPO paper counts distinct-n.
 */
public final class RewardEvaluation {

    /** Completions kept per prompt in the result, for a reader to look at. */
    static final int EXAMPLES = 3;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private RewardEvaluation() {}

    /**
     * The scores of a set of samples.
     *
     * @param samples        M, the samples
     * @param meanReward     (1/M) Σ_m r(x_m, y_m)
     * @param rewardStd      the samples' standard deviation of r (population, 1/M)
     * @param meanKl         (1/M) Σ_m Σ_t log π(y_t) − log π_ref(y_t): the Monte-Carlo sequence KL; null without a reference
     * @param distinct1      token distinct-1 ({@link SampleStatistics})
     * @param distinct2      token distinct-2
     * @param wordDistinct1  distinct-1 over words
     * @param wordDistinct2  distinct-2 over words
     * @param meanEntropy    mean per-token entropy of π at the generated positions, nats
     * @param meanTokens     mean generated tokens per sample, the stop token included
     */
    public record Scores(int samples, double meanReward, double rewardStd, Double meanKl, double distinct1,
            double distinct2, double wordDistinct1, double wordDistinct2, double meanEntropy, double meanTokens) {}

    /** One prompt's scores, with its first completions as examples. */
    public record PromptResult(int index, String prompt, Scores scores, List<String> examples) {}

    /**
     * @param reward  the reward's name
     * @param overall the scores over every sample of every prompt
     * @param prompts per prompt, in order
     */
    public record Result(String reward, Scores overall, List<PromptResult> prompts) {}

    /** Samples every prompt with {@code generation} and scores the samples with {@code kind}'s reward. */
    public static Result evaluate(ModelGeneration generation, List<Prompt> prompts, RewardKind kind) {
        List<PromptSamples> all = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            all.add(generation.generate(i, prompts.get(i)));
        }
        return score(generation, all, kind);
    }

    /** Scores samples already drawn by {@code generation} with {@code kind}'s reward, per prompt and overall. */
    public static Result score(ModelGeneration generation, List<PromptSamples> all, RewardKind kind) {
        Reward reward = kind.create();
        List<double[]> rewards = new ArrayList<>();
        List<PromptResult> perPrompt = new ArrayList<>();
        for (PromptSamples ps : all) {
            String prompt = ps.prompt().display();
            double[] r = ps.completions().stream().mapToDouble(c -> reward.score(prompt, c.text())).toArray();
            rewards.add(r);
            List<String> examples = ps.completions().stream().limit(EXAMPLES).map(Completion::text).toList();
            perPrompt.add(new PromptResult(ps.index(), prompt, scores(generation, List.of(ps), List.of(r)), examples));
        }
        return new Result(kind.optionName(), scores(generation, all, rewards), List.copyOf(perPrompt));
    }

    /** The scores of {@code samples} with their rewards (same order). */
    static Scores scores(ModelGeneration generation, List<PromptSamples> samples, List<double[]> rewards) {
        SampleStatistics stats = generation.statistics(samples);
        List<String> texts = new ArrayList<>();
        samples.forEach(ps -> ps.completions().forEach(c -> texts.add(c.text())));
        double[] flat = rewards.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        return of(stats, flat, texts);
    }

    /**
     * @param stats   the samples' token statistics
     * @param rewards each sample's reward
     * @param texts   each sample's text, same order
     */
    static Scores of(SampleStatistics stats, double[] rewards, List<String> texts) {
        double mean = 0;
        for (double r : rewards) {
            mean += r;
        }
        mean = rewards.length == 0 ? 0 : mean / rewards.length;
        double var = 0;
        for (double r : rewards) {
            var += (r - mean) * (r - mean);
        }
        double std = rewards.length == 0 ? 0 : Math.sqrt(var / rewards.length);
        List<int[]> words = wordIds(texts);
        return new Scores(stats.samples(), mean, std, stats.meanKl(), stats.distinct1(), stats.distinct2(),
                SampleStatistics.distinct(words, 1), SampleStatistics.distinct(words, 2), stats.meanEntropy(),
                stats.samples() == 0 ? 0 : (double) stats.tokens() / stats.samples());
    }

    /** Each text as word ids (words: maximal runs of letters, lower-cased; ids by first appearance). */
    public static List<int[]> wordIds(List<String> texts) {
        Map<String, Integer> ids = new HashMap<>();
        List<int[]> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(java.util.Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+"))
                    .filter(w -> !w.isEmpty())
                    .mapToInt(w -> ids.computeIfAbsent(w, k -> ids.size()))
                    .toArray());
        }
        return out;
    }

    /** Writes {@code result} as indented JSON (snake_case keys), through a temporary file and a rename. */
    public static void writeJson(Path file, Result result) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(result);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Reads a result written by {@link #writeJson}. */
    public static Result readJson(Path file) {
        try {
            return JSON.readValue(file.toFile(), Result.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
