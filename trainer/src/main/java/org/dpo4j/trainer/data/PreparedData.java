package org.dpo4j.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.losses.Completions;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.DataConfig;
import org.dpo4j.trainer.config.TruncationMode;
import org.dpo4j.trainer.data.source.BadRecord;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * Tokenized training and held-out pairs, ready to batch, and the report of how they were made.
 *
 * <pre>
 *   files --read--> records --parse--> examples --render (chat template)--> text pairs
 *         --split (data.eval or eval_fraction)--> tokenize + truncate --> TokenizedPair
 * </pre>
 * Bad records stop the run at the first one, or are skipped and counted
 * ({@code data.on_bad_record}); pairs that truncation leaves without a completion are dropped
 * and counted.
 *
 * @param train  training pairs
 * @param eval   held-out pairs
 * @param report what happened on the way
 */
public record PreparedData(List<TokenizedPair> train, List<TokenizedPair> eval, DataReport report) {

    /**
     * @param config      {@code data}
     * @param tokenizer   the policy's tokenizer
     * @param modelFolder the policy's folder (for its chat template), or null for a preset
     * @param seed        {@code train.seed}: fixes the held-out split
     * @throws UserInputException when a source is unusable, a record is bad (unless skipped), or
     *     no pair survives
     */
    public static PreparedData prepare(DataConfig config, TextTokenizer tokenizer, Path modelFolder, long seed) {
        return prepare(config, Completions.PAIRS, tokenizer, modelFolder, seed);
    }

    /**
     * As {@link #prepare(DataConfig, TextTokenizer, Path, long)}, for records with the completions
     * {@code kind} names (the loss's {@code requirements().completions()}: D2O's samples, WRPO's
     * source chosen; {@link RecordParser}).
     *
     * @throws UserInputException also when data.train and data.eval differ in their number of samples
     */
    public static PreparedData prepare(DataConfig config, Completions kind, TextTokenizer tokenizer, Path modelFolder,
            long seed) {
        BadRecords bad = new BadRecords(config.skipBadRecords());
        PairRenderer renderer = new PairRenderer(config.chatTemplate(), modelFolder, config.templateLimits());
        List<PreferencePair> train = load(config.train(), config, "data.train", bad, renderer, kind);
        DataSplit split;
        if (config.eval() != null) {
            List<PreferencePair> eval = load(config.eval(), config, "data.eval", bad, renderer, kind);
            if (eval.get(0).extra().size() != train.get(0).extra().size()) {
                throw new UserInputException("data.eval: its records have " + (eval.get(0).extra().size() + 1)
                        + " samples where data.train's have " + (train.get(0).extra().size() + 1)
                        + "; give both the same number K");
            }
            split = new DataSplit(train, eval);
        } else {
            try {
                split = DataSplit.holdOut(train, config.evalFraction(), seed);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("data.train: " + train.size()
                        + " pair(s) cannot be split into training and held-out pairs (" + e.getMessage()
                        + "); give pairs with at least 2 different prompts, or set data.eval");
            }
        }
        PairTokenizer pairTokenizer = new PairTokenizer(tokenizer, config.maxLength(), config.maxPromptLength(),
                TruncationMode.of(config.truncationMode()));
        PairTokenizer.Result trainTokens = pairTokenizer.tokenizeAll(split.train());
        PairTokenizer.Result evalTokens = pairTokenizer.tokenizeAll(split.eval());
        if (trainTokens.pairs().isEmpty() || evalTokens.pairs().isEmpty()) {
            throw new UserInputException(
                    "data: no " + (trainTokens.pairs().isEmpty() ? "training" : "held-out")
                            + " pair keeps a non-empty completion within data.max_length=" + config.maxLength()
                            + " and data.max_prompt_length=" + config.maxPromptLength() + "; raise max_length");
        }
        PairTokenizer.Stats a = trainTokens.stats();
        PairTokenizer.Stats b = evalTokens.stats();
        PairTokenizer.Stats stats = new PairTokenizer.Stats(a.dropped() + b.dropped(),
                a.boundaryRetokenized() + b.boundaryRetokenized(), a.promptsTruncated() + b.promptsTruncated(),
                a.completionsTruncated() + b.completionsTruncated());
        DataReport report = new DataReport(trainTokens.pairs().size(), evalTokens.pairs().size(), bad.counts(), stats,
                renderer.conversations(), renderer.templateName());
        return new PreparedData(trainTokens.pairs(), evalTokens.pairs(), report);
    }

    /** The first {@code n} training and the first {@code n} held-out pairs, with the same report. */
    public PreparedData first(int n) {
        return new PreparedData(train.subList(0, Math.min(n, train.size())), eval.subList(0, Math.min(n, eval.size())),
                report);
    }

    /**
     * Every pair of {@code config.train()} as held-out pairs, nothing split off or trained on:
     * the data of {@code dpo4j eval}, read, rendered, tokenized and truncated as training does.
     *
     * @param keyPath names the sources in messages (the option that gave them)
     * @return no training pairs; every surviving pair in {@code eval()}, in file order
     * @throws UserInputException as {@link #prepare}
     */
    public static PreparedData evaluationSet(DataConfig config, TextTokenizer tokenizer, Path modelFolder, String keyPath) {
        return evaluationSet(config, Completions.PAIRS, tokenizer, modelFolder, keyPath);
    }

    /** As {@link #evaluationSet(DataConfig, TextTokenizer, Path, String)}, for records of {@code kind}. */
    public static PreparedData evaluationSet(DataConfig config, Completions kind, TextTokenizer tokenizer,
            Path modelFolder, String keyPath) {
        BadRecords bad = new BadRecords(config.skipBadRecords());
        PairRenderer renderer = new PairRenderer(config.chatTemplate(), modelFolder, config.templateLimits());
        List<PreferencePair> pairs = load(config.train(), config, keyPath, bad, renderer, kind);
        PairTokenizer pairTokenizer = new PairTokenizer(tokenizer, config.maxLength(), config.maxPromptLength(),
                TruncationMode.of(config.truncationMode()));
        PairTokenizer.Result tokens = pairTokenizer.tokenizeAll(pairs);
        if (tokens.pairs().isEmpty()) {
            throw new UserInputException(keyPath + ": no pair keeps a non-empty completion within data.max_length="
                    + config.maxLength() + " and data.max_prompt_length=" + config.maxPromptLength() + "; raise max_length");
        }
        DataReport report = new DataReport(0, tokens.pairs().size(), bad.counts(), tokens.stats(),
                renderer.conversations(), renderer.templateName());
        return new PreparedData(List.of(), tokens.pairs(), report);
    }

    private static List<PreferencePair> load(List<String> sources, DataConfig config, String keyPath, BadRecords bad,
            PairRenderer renderer, Completions kind) {
        DataSources.Loaded loaded = DataSources.load(sources, config, keyPath, kind);
        bad.handle(loaded.bad());
        List<PreferencePair> pairs = new ArrayList<>(loaded.examples().size());
        List<BadRecord> unrenderable = new ArrayList<>();
        for (PreferenceExample example : loaded.examples()) {
            try {
                pairs.add(renderer.render(example));
            } catch (PairRenderer.RenderException e) {
                unrenderable.add(e.badRecord());
            }
        }
        bad.handle(unrenderable);
        if (pairs.isEmpty()) {
            throw new UserInputException(keyPath + ": no usable record in " + String.join(", ", sources)
                    + " (all " + bad.counts().values().stream().mapToInt(Integer::intValue).sum() + " were skipped as bad)");
        }
        return pairs;
    }
}
