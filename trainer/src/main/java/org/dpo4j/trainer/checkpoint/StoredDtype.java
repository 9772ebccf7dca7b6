package org.dpo4j.trainer.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * The element types a safetensors header may name (its {@code "dtype"} strings), with their
 * sizes: those of the safetensors library's {@code Dtype} with whole-byte elements (its 4- and
 * 6-bit types are not read; a header naming them, or any other type, is refused). Only the
 * float types can be decoded to float32; the others (masks, counters, quantised
 * weights) are sized so that their {@code data_offsets} can still be checked.
 */
enum StoredDtype {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F8_E5M2(1, false),
    F8_E4M3(1, false),
    F8_E8M0(1, false),
    C64(8, false),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false);

    /** Every type, as a message lists them. */
    static final String KNOWN = String.join(", ", Arrays.stream(values()).map(Enum::name).toList());

    /** The float types, as a message lists them. */
    static final String DECODABLE = "F32, F16, BF16, F64";

    private final int bytes;
    private final boolean decodable;

    StoredDtype(int bytes, boolean decodable) {
        this.bytes = bytes;
        this.decodable = decodable;
    }

    /** The type a header string names; empty for names this reader does not know. */
    static Optional<StoredDtype> named(String name) {
        for (StoredDtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    int bytes() {
        return bytes;
    }

    boolean decodable() {
        return decodable;
    }

    /**
     * Decodes {@code count} little-endian elements from {@code in} (which must be in
     * little-endian order) into float32 values appended to {@code out}.
     */
    void decode(ByteBuffer in, FloatBuffer out, int count) {
        switch (this) {
            case F32 -> {
                // bulk copy; slice() forgets the byte order, so set it again
                FloatBuffer floats = in.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                out.put(floats.limit(count));
                in.position(in.position() + 4 * count);
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out.put(HalfFloats.f16ToFloat(in.getShort()));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out.put(HalfFloats.bf16ToFloat(in.getShort()));
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    out.put((float) in.getDouble()); // narrowed, round to nearest
                }
            }
            default -> throw new IllegalStateException(this + " has no float decoding");
        }
    }
}
