package org.dpo4j.trainer.checkpoint;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * The element type a checkpoint is saved in: {@code f32} keeps training's float32 exactly;
 * {@code bf16} and {@code f16} halve the files, rounding each value to nearest, ties to even,
 * as PyTorch's {@code tensor.to(dtype)} does (see {@link HalfFloats}).
 */
public enum SaveDtype {
    F32("f32", "F32", 4),
    BF16("bf16", "BF16", 2),
    F16("f16", "F16", 2);

    private final String configName;
    private final String safetensorsName;
    private final int bytes;

    SaveDtype(String configName, String safetensorsName, int bytes) {
        this.configName = configName;
        this.safetensorsName = safetensorsName;
        this.bytes = bytes;
    }

    /**
     * The dtype a config value names.
     *
     * @param value   {@code f32}, {@code bf16} or {@code f16}
     * @param keyPath the key the value came from, for the message (inside a config record's
     *                constructor, the key relative to the record: the config loader adds the rest)
     * @throws ConfigValueException "KEY: must be one of f32, bf16, f16, got 'x'"
     */
    public static SaveDtype parse(String value, String keyPath) {
        for (SaveDtype d : values()) {
            if (d.configName.equals(value)) {
                return d;
            }
        }
        throw new ConfigValueException(keyPath, "must be one of " + allowed() + ", got "
                + (value == null ? "nothing" : "'" + value + "'"),
                Arrays.stream(values()).map(SaveDtype::configName).toList());
    }

    /** The config names, as messages list them: {@code f32, bf16, f16}. */
    public static String allowed() {
        return Arrays.stream(values()).map(SaveDtype::configName).collect(Collectors.joining(", "));
    }

    /** The name in configs: {@code f32}, {@code bf16} or {@code f16}. */
    public String configName() {
        return configName;
    }

    /** The safetensors header's dtype string: {@code F32}, {@code BF16} or {@code F16}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** {@code value} as this type stores it, widened back to float32 (identity for F32). */
    public float rounded(float value) {
        return switch (this) {
            case F32 -> value;
            case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(value));
            case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(value));
        };
    }

    /**
     * Appends {@code values[from .. to-1]} to {@code out} in this type; {@code out} must be
     * little-endian with room for {@code (to - from) * bytes()} bytes.
     */
    public void encode(float[] values, int from, int to, ByteBuffer out) {
        switch (this) {
            case F32 -> {
                // a bulk copy of the raw bits (NaN payloads too); the view does not move out
                out.asFloatBuffer().put(values, from, to - from);
                out.position(out.position() + Float.BYTES * (to - from));
            }
            case BF16 -> {
                for (int i = from; i < to; i++) {
                    out.putShort((short) HalfFloats.floatToBf16(values[i]));
                }
            }
            case F16 -> {
                for (int i = from; i < to; i++) {
                    out.putShort((short) HalfFloats.floatToF16(values[i]));
                }
            }
        }
    }
}
