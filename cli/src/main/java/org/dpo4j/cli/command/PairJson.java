package org.dpo4j.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * One pair as one line of JSON, for {@code data inspect --json}: what the loss sees, for tools
 * that compare dpo4j's tokenization with another's (TRL's {@code prompt_input_ids},
 * {@code chosen_input_ids}, {@code rejected_input_ids}). Keys, in this order:
 *
 * <ul>
 *   <li>{@code id}, {@code split} ({@code train} or {@code eval});
 *   <li>{@code prompt_ids}, {@code chosen_ids}, {@code rejected_ids}: token ids after truncation,
 *       BOS first in the prompt when the tokenizer adds one, EOS last in each completion;
 *   <li>{@code chosen_scored}, {@code rejected_scored}: one 0 or 1 per token of the row the
 *       model reads ({@code prompt_ids} then the completion's ids), 1 where the loss scores the
 *       token: the completion's tokens, never the prompt's;
 *   <li>{@code prompt_text}, {@code chosen_text}, {@code rejected_text}: those ids decoded
 *       (the rendered text as the loss sees it, after the chat template and truncation).
 * </ul>
 */
final class PairJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PairJson() {}

    static String line(TokenizedPair pair, String split, TextTokenizer tokenizer) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", pair.id());
        node.put("split", split);
        node.set("prompt_ids", ids(pair.prompt()));
        node.set("chosen_ids", ids(pair.chosen()));
        node.set("rejected_ids", ids(pair.rejected()));
        node.set("chosen_scored", scored(pair.prompt().length, pair.chosen().length));
        node.set("rejected_scored", scored(pair.prompt().length, pair.rejected().length));
        node.put("prompt_text", tokenizer.decode(pair.prompt()));
        node.put("chosen_text", tokenizer.decode(pair.chosen()));
        node.put("rejected_text", tokenizer.decode(pair.rejected()));
        if (pair.rows() > 2) { // D2O's samples 2..K, WRPO's source chosen (data.CompletionRows)
            com.fasterxml.jackson.databind.node.ArrayNode more = node.putArray("more_texts");
            for (int slot = 2; slot < pair.rows(); slot++) {
                more.add(tokenizer.decode(pair.completion(slot)));
            }
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of ids and strings always serializes", e);
        }
    }

    private static ArrayNode ids(int[] ids) {
        ArrayNode array = JSON.createArrayNode();
        for (int id : ids) {
            array.add(id);
        }
        return array;
    }

    /** {@code prompt} zeros, then {@code completion} ones. */
    private static ArrayNode scored(int prompt, int completion) {
        ArrayNode mask = JSON.createArrayNode();
        for (int i = 0; i < prompt + completion; i++) {
            mask.add(i < prompt ? 0 : 1);
        }
        return mask;
    }
}
