package org.dpo4j.trainer.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.checkpoint.AtomicFiles;

/**
 * A reference log-prob cache file: a safetensors file, so that Python reads it with
 * {@code safetensors.numpy.load_file} and {@code safe_open(path, "np").metadata()}.
 *
 * <pre>
 *   u64 little-endian   header length H
 *   H bytes             JSON header, padded with spaces to a multiple of 8:
 *     "__metadata__": {"format": "dpo4j-reference-logprobs", "version": "1", "key": KEY,
 *                      "pairs": "N", "order": ..., "values_sha256": SHA}
 *     "chosen_logps":    {"dtype": "F64", "shape": [N], "data_offsets": [0, 8N]}
 *     "rejected_logps":  {"dtype": "F64", "shape": [N], "data_offsets": [8N, 16N]}
 *     "chosen_tokens":   {"dtype": "F64", "shape": [N], "data_offsets": [16N, 24N]}
 *     "rejected_tokens": {"dtype": "F64", "shape": [N], "data_offsets": [24N, 32N]}
 *   32·N bytes          the four arrays, float64 little-endian
 * </pre>
 *
 * KEY is the {@link ReferenceCacheKey} the values were computed for, and SHA the SHA-256 of the
 * 32·N data bytes. A file is used only when it is complete, its key is the expected one and the
 * data hash matches; anything else is {@link Invalid} and the caller rebuilds it. Files are
 * written through a temporary name and renamed ({@link AtomicFiles}).
 */
public final class ReferenceCacheFile {

    static final String FORMAT = "dpo4j-reference-logprobs";
    static final String VERSION = "1";
    static final List<String> ARRAYS = List.of("chosen_logps", "rejected_logps", "chosen_tokens", "rejected_tokens");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PREFIX_BYTES = 8;

    private ReferenceCacheFile() {}

    /** Why a file cannot be used (missing, truncated, another key, a hash mismatch, ...). */
    public static final class Invalid extends Exception {
        Invalid(String reason) {
            super(reason);
        }
    }

    /** The file of {@code key} in {@code directory}. */
    public static Path path(Path directory, String key) {
        return directory.resolve(key + ".safetensors");
    }

    /** Writes {@code values} for {@code key}, atomically; creates {@code file}'s folder. */
    public static void write(Path file, String key, ReferenceLogProbs values) throws IOException {
        byte[] data = data(values);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("version", VERSION);
        metadata.put("key", key);
        metadata.put("pairs", Integer.toString(values.pairs()));
        metadata.put("order", "training pairs in order, then held-out pairs");
        metadata.put("values_sha256", sha256(data, 0, data.length));
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata);
        long n = values.pairs();
        for (int a = 0; a < ARRAYS.size(); a++) {
            header.put(ARRAYS.get(a), Map.of("dtype", "F64", "shape", List.of(n), "data_offsets", List.of(a * 8 * n, (a + 1) * 8 * n)));
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(PREFIX_BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, out -> {
            out.write(head.array());
            out.write(data);
        });
    }

    /**
     * Reads a file written for {@code key} with {@code pairs} pairs.
     *
     * @throws Invalid when it is missing, unreadable, truncated, written for another key or
     *     number of pairs, or its data does not hash to the recorded checksum
     */
    public static ReferenceLogProbs read(Path file, String key, int pairs) throws Invalid {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Invalid("missing");
        } catch (IOException e) {
            throw new Invalid("unreadable (" + e.getMessage() + ")");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long dataBytes = 32L * pairs;
        if (bytes.length < PREFIX_BYTES) {
            throw new Invalid("truncated (" + bytes.length + " bytes)");
        }
        long headerBytes = buffer.getLong(0);
        if (headerBytes < 2 || headerBytes != bytes.length - PREFIX_BYTES - dataBytes) {
            throw new Invalid("truncated or not a cache file (header length " + headerBytes + ", file " + bytes.length
                    + " bytes, expected " + dataBytes + " data bytes for " + pairs + " pairs)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, PREFIX_BYTES, (int) headerBytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Invalid("its header is not JSON");
        }
        JsonNode meta = header.path("__metadata__");
        if (!FORMAT.equals(meta.path("format").asText()) || !VERSION.equals(meta.path("version").asText())) {
            throw new Invalid("not a " + FORMAT + " v" + VERSION + " file");
        }
        if (!key.equals(meta.path("key").asText())) {
            throw new Invalid("stale: written for key " + meta.path("key").asText());
        }
        if (!Integer.toString(pairs).equals(meta.path("pairs").asText())) {
            throw new Invalid("stale: written for " + meta.path("pairs").asText() + " pairs, not " + pairs);
        }
        int dataStart = PREFIX_BYTES + (int) headerBytes;
        if (!sha256(bytes, dataStart, (int) dataBytes).equals(meta.path("values_sha256").asText())) {
            throw new Invalid("corrupt: its values do not match their SHA-256 checksum");
        }
        double[][] arrays = new double[ARRAYS.size()][];
        for (int a = 0; a < ARRAYS.size(); a++) {
            JsonNode entry = header.path(ARRAYS.get(a));
            long begin = entry.path("data_offsets").path(0).asLong(-1);
            if (!"F64".equals(entry.path("dtype").asText()) || entry.path("shape").path(0).asLong(-1) != pairs
                    || begin != a * 8L * pairs || entry.path("data_offsets").path(1).asLong(-1) != (a + 1) * 8L * pairs) {
                throw new Invalid("corrupt: unexpected entry for " + ARRAYS.get(a) + ": " + entry);
            }
            arrays[a] = new double[pairs];
            buffer.position(dataStart + (int) begin);
            buffer.asDoubleBuffer().get(arrays[a]);
        }
        return new ReferenceLogProbs(arrays[0], arrays[1], arrays[2], arrays[3]);
    }

    private static byte[] data(ReferenceLogProbs values) {
        int n = values.pairs();
        ByteBuffer data = ByteBuffer.allocate(32 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] array : List.of(values.chosen(), values.rejected(), values.chosenTokens(), values.rejectedTokens())) {
            for (double v : array) {
                data.putDouble(v);
            }
        }
        return data.array();
    }

    private static String sha256(byte[] bytes, int from, int length) {
        MessageDigest sha = ReferenceCacheKey.sha256();
        sha.update(bytes, from, length);
        return HexFormat.of().formatHex(sha.digest());
    }
}
