package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dpo4j.trainer.config.TruncationMode;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * Tokenizes text pairs the way the loss must see them, and truncates them as TRL does.
 *
 * <p><b>Prompt/completion boundary.</b> The prompt is BOS (when the tokenizer has one and the
 * text does not already start with it) followed by the prompt's tokens. Each completion is
 * tokenized together with the prompt, and the prompt's tokens must be exactly a prefix of the
 * result; when they are not (a merge across the boundary, e.g. a prompt ending in a space), the
 * completion is tokenized on its own and concatenated instead, and the pair is counted in
 * {@link Stats#boundaryRetokenized}. Never are the wrong tokens masked.
 *
 * <p><b>EOS.</b> Appended to each completion unless its last token that is not whitespace is
 * already EOS (a chat template that closes turns with the EOS token).
 *
 * <p><b>Truncation</b>, in this order: a prompt longer than {@code maxPromptLength} keeps its
 * last tokens (TRL); then a row longer than {@code maxLength} is cut by {@link TruncationMode}:
 * {@code keep_start} cuts the completion's end, {@code keep_end} cuts the shared prompt's start
 * until the longer row fits (and a completion longer than {@code maxLength} on its own keeps
 * its end). A pair whose chosen or rejected completion is left empty is dropped and counted,
 * never trained on. Further completions (D2O's samples, WRPO's source chosen,
 * {@link CompletionRows}) are tokenized, truncated and dropped on exactly as the pair's two.
 */
public final class PairTokenizer {

    private final TextTokenizer tokenizer;
    private final int maxLength;
    private final int maxPromptLength;
    private final TruncationMode mode;

    public PairTokenizer(TextTokenizer tokenizer, int maxLength, int maxPromptLength, TruncationMode mode) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.maxPromptLength = maxPromptLength;
        this.mode = mode;
    }

    /**
     * What tokenization did to a set of pairs.
     *
     * @param dropped              pairs dropped because a completion was truncated to nothing
     * @param boundaryRetokenized  pairs whose completion was tokenized apart from the prompt
     * @param promptsTruncated     pairs whose prompt lost tokens
     * @param completionsTruncated pairs with a completion that lost tokens
     */
    public record Stats(int dropped, int boundaryRetokenized, int promptsTruncated, int completionsTruncated) {}

    /** The pairs kept, in input order, and what happened to them. */
    public record Result(List<TokenizedPair> pairs, Stats stats) {}

    public Result tokenizeAll(List<PreferencePair> pairs) {
        List<TokenizedPair> kept = new ArrayList<>(pairs.size());
        int dropped = 0;
        int boundary = 0;
        int prompts = 0;
        int completions = 0;
        for (PreferencePair pair : pairs) {
            Outcome outcome = tokenize(pair);
            boundary += outcome.boundaryRetokenized ? 1 : 0;
            prompts += outcome.promptTruncated ? 1 : 0;
            completions += outcome.completionTruncated ? 1 : 0;
            if (outcome.pair == null) {
                dropped++;
            } else {
                kept.add(outcome.pair);
            }
        }
        return new Result(kept, new Stats(dropped, boundary, prompts, completions));
    }

    /**
     * One pair's tokens and what happened on the way.
     *
     * @param pair the tokens, or null when the pair is dropped
     */
    public record Outcome(TokenizedPair pair, boolean boundaryRetokenized, boolean promptTruncated, boolean completionTruncated) {}

    public Outcome tokenize(PreferencePair pair) {
        int[] prompt = withBos(tokenizer.encode(pair.prompt()));
        Completion chosen = completion(pair.prompt(), prompt, pair.chosen());
        Completion rejected = completion(pair.prompt(), prompt, pair.rejected());
        boolean boundary = chosen.retokenized || rejected.retokenized;
        int[][] extra = new int[pair.extra().size()][];
        int[] extraLengths = new int[extra.length];
        for (int j = 0; j < extra.length; j++) {
            Completion more = completion(pair.prompt(), prompt, pair.extra().get(j));
            boundary |= more.retokenized;
            extra[j] = more.ids;
            extraLengths[j] = more.ids.length;
        }

        int[] keptPrompt = prompt.length > maxPromptLength
                ? Arrays.copyOfRange(prompt, prompt.length - maxPromptLength, prompt.length)
                : prompt;
        int[] c = chosen.ids;
        int[] r = rejected.ids;
        if (mode == TruncationMode.KEEP_START) {
            int room = Math.max(0, maxLength - keptPrompt.length);
            c = head(c, room);
            r = head(r, room);
            for (int j = 0; j < extra.length; j++) {
                extra[j] = head(extra[j], room);
            }
        } else {
            int longest = Math.max(c.length, r.length);
            for (int[] more : extra) {
                longest = Math.max(longest, more.length);
            }
            int excess = keptPrompt.length + longest - maxLength;
            if (excess > 0) {
                int fromPrompt = Math.min(excess, keptPrompt.length);
                keptPrompt = Arrays.copyOfRange(keptPrompt, fromPrompt, keptPrompt.length);
            }
            c = tail(c, maxLength - keptPrompt.length);
            r = tail(r, maxLength - keptPrompt.length);
            for (int j = 0; j < extra.length; j++) {
                extra[j] = tail(extra[j], maxLength - keptPrompt.length);
            }
        }
        boolean promptCut = keptPrompt.length < prompt.length;
        boolean completionCut = c.length < chosen.ids.length || r.length < rejected.ids.length;
        boolean emptyExtra = false;
        for (int j = 0; j < extra.length; j++) {
            completionCut |= extra[j].length < extraLengths[j];
            emptyExtra |= extra[j].length == 0;
        }
        TokenizedPair tokens = c.length == 0 || r.length == 0 || emptyExtra
                ? null
                : new TokenizedPair(pair.id(), keptPrompt, c, r, extra);
        return new Outcome(tokens, boundary, promptCut, completionCut);
    }

    /** A completion's ids (EOS included) and whether it had to be tokenized apart from the prompt. */
    private record Completion(int[] ids, boolean retokenized) {}

    private Completion completion(String promptText, int[] promptIds, String text) {
        int[] joint = withBos(tokenizer.encode(promptText + text));
        int[] ids;
        boolean retokenized;
        if (startsWith(joint, promptIds)) {
            ids = Arrays.copyOfRange(joint, promptIds.length, joint.length);
            retokenized = false;
        } else {
            ids = tokenizer.encode(text);
            retokenized = true;
        }
        return new Completion(endsWithEos(ids) ? ids : append(ids, tokenizer.eosId()), retokenized);
    }

    /** Whether the last token that does not decode to whitespace is EOS. */
    private boolean endsWithEos(int[] ids) {
        for (int i = ids.length - 1; i >= 0; i--) {
            if (ids[i] == tokenizer.eosId()) {
                return true;
            }
            if (!tokenizer.decode(new int[] {ids[i]}).isBlank()) {
                return false;
            }
        }
        return false;
    }

    private int[] withBos(int[] ids) {
        int bos = tokenizer.bosId();
        if (bos < 0 || (ids.length > 0 && ids[0] == bos)) {
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = bos;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private static boolean startsWith(int[] ids, int[] prefix) {
        return ids.length >= prefix.length && Arrays.equals(ids, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int[] append(int[] ids, int id) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = id;
        return out;
    }

    private static int[] head(int[] ids, int n) {
        return ids.length <= n ? ids : Arrays.copyOf(ids, n);
    }

    private static int[] tail(int[] ids, int n) {
        return ids.length <= n ? ids : Arrays.copyOfRange(ids, ids.length - Math.max(0, n), ids.length);
    }
}
