package org.dpo4j.trainer.checkpoint;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * One tensor of a safetensors header, as validated by {@link SafetensorsFile#open}.
 *
 * @param name  the tensor's name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype the header's dtype string, e.g. {@code "BF16"} (also types this reader cannot
 *              decode, such as {@code "U8"} or {@code "I64"})
 * @param shape row-major dimensions; {@code ()} for a scalar
 * @param begin first byte of the data, relative to the first byte after the header
 * @param end   one past the last byte, same origin
 */
public record TensorEntry(String name, String dtype, Shape shape, long begin, long end) {

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public long elementCount() {
        return shape.size();
    }

    /** Number of stored bytes, {@code end - begin}. */
    public long byteCount() {
        return end - begin;
    }

    /** {@code shape} as messages and Hugging Face write it: {@code [2, 3]}, or {@code []}. */
    public static String format(Shape shape) {
        return Arrays.toString(shape.getShape());
    }
}
