package org.dpo4j.trainer.tokenizer;

/** Text to token ids and back, with the special tokens the data pipeline needs. */
public interface TextTokenizer extends AutoCloseable {

    /** Ids of {@code text} without any special token. */
    int[] encode(String text);

    /** Text of {@code ids}; special tokens are dropped. */
    String decode(int[] ids);

    /** Size of the id space (the model's vocabulary must be at least this). */
    int vocabSize();

    /** Beginning-of-sequence id, put before every prompt, or -1 when the model has none. */
    int bosId();

    /** End-of-sequence id, appended to every completion. */
    int eosId();

    /** Padding id; padded positions are masked, so any id works. */
    int padId();

    /** Frees native resources, if the tokenizer has any; no exception, so it fits try-with-resources. */
    @Override
    default void close() {}
}
