package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The keys and values of every layer for the tokens a batch has seen so far, so that each new
 * token attends to them instead of re-running the whole sequence: decoding S tokens costs
 * O(S) per step instead of a full forward pass of O(S) tokens per step.
 *
 * <p>Layout: per layer, keys and values of shape (N, KV, C, D) — N rows, KV key/value heads
 * (before grouped-query repetition), capacity C positions, head size D — allocated once and
 * written in place ({@code set}), so no step copies the cache. Keys are stored after the rotary
 * embedding (Llama), so they are never rotated again. Which slots hold real tokens is kept in
 * Java, one flag per (row, slot), together with each row's count of real tokens.
 *
 * <p>Padding: prompts of different lengths are <b>left</b>-padded, as Hugging Face's
 * {@code generate()} does, so that every row's next token goes into the same slot. A token's
 * position is the number of real tokens before it in its row ({@code cumsum(mask) − 1}); a
 * padding slot is never attended to. One prompt at a time (N rows of the same prompt) needs no
 * padding at all.
 *
 * <p>Memory: the arrays live in a sub-manager of the one given to
 * {@link CausalLm#newCache} and are freed by {@link #close()}, not by an enclosing
 * {@code NDScope}; every per-step array (slices, masks, positions) is created in the caller's
 * manager and scope.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final boolean[][] real;
    private final long[] realCount;
    private final int capacity;
    private int length;

    private KvCache(NDManager manager, NDArray[] keys, NDArray[] values, int batch, int capacity) {
        this.manager = manager;
        this.keys = keys;
        this.values = values;
        this.real = new boolean[batch][capacity];
        this.realCount = new long[batch];
        this.capacity = capacity;
    }

    /**
     * An empty cache.
     *
     * @param parent   the manager whose sub-manager owns the cache (its device is used)
     * @param layers   decoder blocks
     * @param batch    N
     * @param kvHeads  key/value heads per layer
     * @param capacity C, the most tokens (padding included) a row will hold
     * @param headDim  D
     */
    public static KvCache allocate(NDManager parent, int layers, int batch, int kvHeads, int capacity, int headDim) {
        if (batch < 1 || capacity < 1) {
            throw new IllegalArgumentException("a cache needs at least one row and one slot, got " + batch + " x " + capacity);
        }
        NDManager manager = parent.newSubManager();
        NDArray[] keys = new NDArray[layers];
        NDArray[] values = new NDArray[layers];
        Shape shape = new Shape(batch, kvHeads, capacity, headDim);
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(shape, DataType.FLOAT32);
            values[i] = manager.zeros(shape, DataType.FLOAT32);
            // owned by the cache's manager: an enclosing step scope must not free them
            NDScope.unregister(keys[i], values[i]);
        }
        return new KvCache(manager, keys, values, batch, capacity);
    }

    /** N, the rows. */
    public int batchSize() {
        return realCount.length;
    }

    /** Slots filled so far (padding included); the next chunk starts here. */
    public int length() {
        return length;
    }

    /** C, the most slots. */
    public int capacity() {
        return capacity;
    }

    /**
     * The bookkeeping of one chunk of new tokens, shared by all layers of one forward call.
     *
     * @param start     first slot of the chunk
     * @param end       one past its last slot
     * @param positions (N, T) int64 positions of the new tokens
     * @param maskBias  (N, 1, T, end) float32: 0 where query i (slot start + i) may attend key
     *                  slot j — j ≤ start + i and j a real token — and
     *                  {@link AttentionMask#MASKED_SCORE} elsewhere, as {@link AttentionMask#bias}
     */
    public record Chunk(int start, int end, PositionIds positions, NDArray maskBias) {}

    /**
     * Takes T new slots per row: records which are real tokens and works out their positions and
     * attention bias. Call once per forward call, before the layers.
     *
     * @param attentionMask (N, T) 1 on real tokens, 0 on (left) padding
     * @throws IllegalArgumentException when the rows do not match or the chunk does not fit
     */
    public Chunk advance(NDArray attentionMask) {
        Shape s = attentionMask.getShape();
        int n = batchSize();
        if (s.dimension() != 2 || s.get(0) != n) {
            throw new IllegalArgumentException("attention mask " + s + " does not fit a cache of " + n + " rows");
        }
        int t = Math.toIntExact(s.get(1));
        if (length + t > capacity) {
            throw new IllegalArgumentException(
                    "the cache holds " + capacity + " slots; " + length + " are used and " + t + " more were given");
        }
        long[] mask = attentionMask.toType(DataType.INT64, false).toLongArray();
        int start = length;
        int end = length + t;
        long[] positions = new long[n * t];
        long maxPosition = 0;
        for (int row = 0; row < n; row++) {
            for (int i = 0; i < t; i++) {
                boolean isReal = mask[row * t + i] != 0;
                real[row][start + i] = isReal;
                // Hugging Face: cumsum(mask) − 1 on real tokens; a padding slot gets the next
                // real token's position (any valid position: it is never attended to)
                positions[row * t + i] = realCount[row];
                maxPosition = Math.max(maxPosition, realCount[row]);
                if (isReal) {
                    realCount[row]++;
                }
            }
        }
        float[] bias = new float[n * t * end];
        for (int row = 0; row < n; row++) {
            for (int i = 0; i < t; i++) {
                int base = (row * t + i) * end;
                for (int j = 0; j < end; j++) {
                    bias[base + j] = j <= start + i && real[row][j] ? 0f : AttentionMask.MASKED_SCORE;
                }
            }
        }
        length = end;
        NDManager step = attentionMask.getManager();
        NDArray ids = step.create(positions, new Shape(n, t));
        return new Chunk(start, end, new PositionIds(ids, maxPosition), step.create(bias, new Shape(n, 1, t, end)));
    }

    /**
     * Writes the chunk's keys and values of {@code layer} into their slots and returns the
     * layer's keys and values over all filled slots.
     *
     * @param key   (N, KV, T, D) the chunk's keys (rotated, for Llama)
     * @param value (N, KV, T, D)
     * @return keys and values (N, KV, end, D), in the manager of {@code key}
     */
    public NDArray[] store(int layer, Chunk chunk, NDArray key, NDArray value) {
        NDIndex slots = new NDIndex(":, :, {}:{}", chunk.start(), chunk.end());
        keys[layer].set(slots, key);
        values[layer].set(slots, value);
        NDManager step = key.getManager();
        NDIndex filled = new NDIndex(":, :, 0:{}", chunk.end());
        return new NDArray[] {keys[layer].get(step, filled), values[layer].get(step, filled)};
    }

    /** Frees the keys and values. */
    @Override
    public void close() {
        manager.close();
    }
}
