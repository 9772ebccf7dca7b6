package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * Tokenizes pairs and truncates them to the configured lengths.
 *
 * <p>Prompt and completions are tokenized separately and concatenated, so the prompt's tokens
 * are exactly the prefix of each row. EOS ends every completion. A prompt longer than
 * {@code maxPromptLength} keeps its last tokens (the part next to the answer); completions are
 * then cut to {@code maxLength − prompt length}, keeping their start. A pair whose chosen or
 * rejected completion would be cut to nothing is dropped and counted.
 */
public final class PairTokenizer {

    private final TextTokenizer tokenizer;
    private final int maxLength;
    private final int maxPromptLength;

    public PairTokenizer(TextTokenizer tokenizer, int maxLength, int maxPromptLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.maxPromptLength = maxPromptLength;
    }

    /** Pairs kept and the number dropped. */
    public record Result(List<TokenizedPair> pairs, int dropped) {}

    public Result tokenizeAll(List<PreferencePair> pairs) {
        List<TokenizedPair> kept = new ArrayList<>(pairs.size());
        int dropped = 0;
        for (PreferencePair pair : pairs) {
            TokenizedPair tokenized = tokenize(pair);
            if (tokenized == null) {
                dropped++;
            } else {
                kept.add(tokenized);
            }
        }
        return new Result(kept, dropped);
    }

    /** The tokenized pair, or null when a completion would be truncated to nothing. */
    public TokenizedPair tokenize(PreferencePair pair) {
        int[] prompt = withBos(tokenizer.encode(pair.prompt()));
        if (prompt.length > maxPromptLength) {
            prompt = Arrays.copyOfRange(prompt, prompt.length - maxPromptLength, prompt.length);
        }
        int room = maxLength - prompt.length;
        int[] chosen = completion(pair.chosen(), room);
        int[] rejected = completion(pair.rejected(), room);
        if (chosen.length == 0 || rejected.length == 0) {
            return null;
        }
        return new TokenizedPair(pair.id(), prompt, chosen, rejected);
    }

    private int[] withBos(int[] ids) {
        if (tokenizer.bosId() < 0) {
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = tokenizer.bosId();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private int[] completion(String text, int room) {
        int[] ids = tokenizer.encode(text);
        int[] withEos = Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = tokenizer.eosId();
        return Arrays.copyOf(withEos, Math.max(0, Math.min(room, withEos.length)));
    }
}
