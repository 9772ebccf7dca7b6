package org.dpo4j.trainer.data;

import java.util.List;
import org.dpo4j.trainer.UserInputException;
import org.dpo4j.trainer.config.DataConfig;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * Tokenized training and held-out pairs, ready to batch.
 *
 * @param train   training pairs
 * @param eval    held-out pairs
 * @param dropped pairs dropped because a completion would have been truncated to nothing
 */
public record PreparedData(List<TokenizedPair> train, List<TokenizedPair> eval, int dropped) {

    /**
     * Loads {@code data.train}, takes the held-out pairs from {@code data.eval} or splits
     * {@code data.eval_fraction} off (fixed by {@code seed}), and tokenizes both.
     *
     * @throws UserInputException when a source is unusable or no pair survives truncation
     */
    public static PreparedData prepare(DataConfig config, TextTokenizer tokenizer, long seed) {
        List<PreferencePair> train = PreferenceSources.load(config.train(), "data.train");
        DataSplit split;
        if (config.eval() != null) {
            split = new DataSplit(train, PreferenceSources.load(config.eval(), "data.eval"));
        } else if (train.size() < 2) {
            throw new UserInputException(
                    "data.train: " + train.size() + " pair(s) cannot be split into training and held-out pairs; "
                            + "give at least 2 or set data.eval");
        } else {
            split = DataSplit.holdOut(train, config.evalFraction(), seed);
        }
        PairTokenizer pairTokenizer = new PairTokenizer(tokenizer, config.maxLength(), config.maxPromptLength());
        PairTokenizer.Result trainTokens = pairTokenizer.tokenizeAll(split.train());
        PairTokenizer.Result evalTokens = pairTokenizer.tokenizeAll(split.eval());
        if (trainTokens.pairs().isEmpty() || evalTokens.pairs().isEmpty()) {
            throw new UserInputException(
                    "data: no " + (trainTokens.pairs().isEmpty() ? "training" : "held-out")
                            + " pair keeps a non-empty completion within data.max_length=" + config.maxLength()
                            + " and data.max_prompt_length=" + config.maxPromptLength() + "; raise max_length");
        }
        return new PreparedData(
                trainTokens.pairs(), evalTokens.pairs(), trainTokens.dropped() + evalTokens.dropped());
    }
}
