package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-only reader of a single-file F32 safetensors checkpoint: an 8-byte little-endian header
 * length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw data. Enough to
 * check the forward pass against the F32 golden fixtures.
 */
final class F32Safetensors {

    private F32Safetensors() {}

    static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.toIntExact(buffer.getLong(0));
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        int dataStart = 8 + headerLength;
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode info = entry.getValue();
            if (!info.get("dtype").asText().equals("F32")) {
                throw new IllegalArgumentException(entry.getKey() + " is " + info.get("dtype") + ", not F32");
            }
            long[] dims = new long[info.get("shape").size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = info.get("shape").get(i).asLong();
            }
            int begin = dataStart + info.get("data_offsets").get(0).asInt();
            int end = dataStart + info.get("data_offsets").get(1).asInt();
            float[] values = new float[(end - begin) / 4];
            ByteBuffer.wrap(bytes, begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            tensors.put(entry.getKey(), manager.create(values, new Shape(dims)));
        }
        return tensors;
    }
}
