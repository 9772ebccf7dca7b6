package org.dpo4j.trainer.reference;

import ai.djl.ndarray.NDArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * The identity of a set of cached reference log-probs: SHA-256 over everything that decides
 * them, so that equal keys mean equal values (up to the rounding of batch composition).
 *
 * <ul>
 *   <li>the format version;
 *   <li>the reference: its architecture's {@code config.json} (rotary base, norm epsilon, ...)
 *       and every tensor's name, dtype, shape and raw bytes;
 *   <li>the tokenized data, in order: each pair's id and its prompt, chosen and rejected token
 *       ids. These are what the model scores, so data files, chat template, truncation and
 *       {@code max_length} are covered through them: a change of settings that leaves every row's
 *       ids the same reuses the cache;
 *   <li>the padding id (padding is masked out, but it is part of every batch).
 * </ul>
 */
public final class ReferenceCacheKey {

    /** Bump when the meaning of the cached values changes. */
    static final String VERSION = "dpo4j reference log-probs v1";

    /** Elements hashed per block (16 MB of float32). */
    static final long CHUNK_ELEMENTS = 1L << 22;

    private ReferenceCacheKey() {}

    /**
     * @param architecture the reference's hyper-parameters
     * @param weights      the reference's tensors (read, not changed)
     * @param pairs        the pairs the values are for, in cache order
     * @param padId        the padding token id
     * @return 64 lower-case hex digits
     */
    public static String of(ModelArchitecture architecture, ModelWeights weights, List<TokenizedPair> pairs, int padId) {
        return of(architecture, weights, pairs, padId, CHUNK_ELEMENTS);
    }

    /** {@link #of} reading tensors in blocks of at most {@code chunkElements} (the key does not depend on it). */
    static String of(ModelArchitecture architecture, ModelWeights weights, List<TokenizedPair> pairs, int padId,
            long chunkElements) {
        MessageDigest sha = sha256();
        text(sha, VERSION);
        text(sha, architecture.getClass().getSimpleName() + " " + architecture.toHfConfig());
        for (Map.Entry<String, NDArray> e : weights.all().entrySet()) {
            NDArray t = e.getValue();
            text(sha, e.getKey() + " " + t.getDataType() + " " + t.getShape());
            tensorBytes(sha, t, chunkElements);
        }
        sha.update(number(padId));
        sha.update(number(pairs.size()));
        for (TokenizedPair pair : pairs) {
            text(sha, pair.id());
            ids(sha, pair.prompt());
            ids(sha, pair.chosen());
            ids(sha, pair.rejected());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * The tensor's bytes, in blocks of whole rows of at most {@code chunkElements}: a large
     * embedding never needs a Java copy of itself whole.
     */
    private static void tensorBytes(MessageDigest sha, NDArray t, long chunkElements) {
        long rows = t.getShape().dimension() == 0 ? 1 : t.getShape().get(0);
        long rowElements = Math.max(1, t.getShape().size() / Math.max(1, rows));
        long rowsPerChunk = Math.max(1, chunkElements / rowElements);
        if (t.getShape().dimension() == 0 || rowsPerChunk >= rows) {
            sha.update(t.toByteBuffer());
            return;
        }
        for (long from = 0; from < rows; from += rowsPerChunk) {
            try (NDArray block = t.get(from + ":" + Math.min(rows, from + rowsPerChunk))) {
                sha.update(block.toByteBuffer());
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Length-prefixed, so that no two sequences of fields hash the same bytes. */
    private static void text(MessageDigest sha, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        sha.update(number(bytes.length));
        sha.update(bytes);
    }

    private static void ids(MessageDigest sha, int[] ids) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(ids.length);
        for (int id : ids) {
            buffer.putInt(id);
        }
        sha.update(buffer.array());
    }

    private static byte[] number(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }
}
