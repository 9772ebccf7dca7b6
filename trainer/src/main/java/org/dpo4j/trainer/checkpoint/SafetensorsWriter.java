package org.dpo4j.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes float32 tensors as one safetensors file: an 8-byte little-endian header length N, a
 * compact JSON header {@code {"__metadata__": {"format": "pt"}, name: {"dtype", "shape",
 * "data_offsets"}...}} padded with spaces so that N is a multiple of 8 (as the reference
 * writer does, which keeps every tensor's data 8-byte aligned when sizes allow), then each
 * tensor's elements, little-endian and row-major, in the map's order.
 *
 * <p>{@code "format": "pt"} is there because transformers checks it when loading.
 * The output depends only on names, shapes and values, so saving twice gives identical bytes.
 * Tensors are streamed one by one through {@link AtomicFiles}; memory stays at one tensor's
 * float32 copy plus a small buffer.
 */
public final class SafetensorsWriter {

    /** Elements encoded per buffer fill. */
    private static final int CHUNK_ELEMENTS = 1 << 16;

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /**
     * Writes {@code tensors} to {@code file} in {@code dtype}.
     *
     * @param tensors name to float32 array, in the order to store them (any device)
     * @throws IllegalArgumentException when a tensor is not float32 or is named {@code __metadata__}
     * @throws IOException when writing fails; {@code file} is then unchanged
     */
    public static void write(Path file, Map<String, NDArray> tensors, SaveDtype dtype) throws IOException {
        write(file, tensors, dtype, Map.of());
    }

    /**
     * Writes {@code tensors} to {@code file} in {@code dtype}, with {@code metadata} added to the
     * header's {@code __metadata__} after {@code "format": "pt"}.
     *
     * @param metadata extra string entries (e.g. an optimizer's step count); not {@code format}
     * @throws IllegalArgumentException when a tensor is not float32 or is named {@code __metadata__}
     * @throws IOException when writing fails; {@code file} is then unchanged
     */
    public static void write(Path file, Map<String, NDArray> tensors, SaveDtype dtype, Map<String, String> metadata)
            throws IOException {
        byte[] header = header(tensors, dtype, metadata);
        AtomicFiles.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            out.write(length.array());
            out.write(header);
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK_ELEMENTS * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (NDArray tensor : tensors.values()) {
                writeData(out, tensor.toFloatArray(), dtype, buffer);
            }
        });
    }

    /** The padded header bytes: offsets follow the map's order, with no gaps. */
    static byte[] header(Map<String, NDArray> tensors, SaveDtype dtype) {
        return header(tensors, dtype, Map.of());
    }

    private static byte[] header(Map<String, NDArray> tensors, SaveDtype dtype, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY).put("format", "pt");
        metadata.forEach((key, value) -> {
            if (key.equals("format")) {
                throw new IllegalArgumentException("metadata key format is reserved");
            }
            meta.put(key, value);
        });
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String name = e.getKey();
            NDArray tensor = e.getValue();
            checkWritable(name, tensor);
            long end = offset + tensor.getShape().size() * dtype.bytes();
            ObjectNode entry = root.putObject(name);
            entry.put("dtype", dtype.safetensorsName());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(tensor.getShape().getShape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serialises
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /**
     * Fails unless {@code tensor} can be saved under {@code name}: float32, and not named
     * {@code __metadata__}.
     */
    static void checkWritable(String name, NDArray tensor) {
        if (name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("a tensor cannot be named " + name);
        }
        if (tensor.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("tensor " + name + " is " + tensor.getDataType() + ", expected float32");
        }
    }

    private static void writeData(OutputStream out, float[] values, SaveDtype dtype, ByteBuffer buffer)
            throws IOException {
        for (int from = 0; from < values.length; from += CHUNK_ELEMENTS) {
            int to = Math.min(values.length, from + CHUNK_ELEMENTS);
            buffer.clear();
            dtype.encode(values, from, to, buffer);
            out.write(buffer.array(), 0, buffer.position());
        }
    }
}
