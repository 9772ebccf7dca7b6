package org.dpo4j.trainer.checkpoint;

/**
 * Conversions between float32 and the two 16-bit float formats of checkpoints, on raw bit
 * patterns held in the low 16 bits of an {@code int} ({@code 0..0xFFFF}).
 *
 * <ul>
 *   <li><b>BF16</b>: the upper 16 bits of a float32 (1 sign, 8 exponent, 7 mantissa bits).
 *   <li><b>F16</b>: IEEE 754 binary16 (1 sign, 5 exponent bits with bias 15, 10 mantissa bits).
 * </ul>
 *
 * <p>Decoding is exact. Encoding rounds to nearest, ties to even, like PyTorch's
 * {@code tensor.to(torch.bfloat16 / torch.float16)}, including PyTorch's canonical NaNs. Written
 * here because Java 17 has neither {@code Float.float16ToFloat} nor {@code floatToFloat16}
 * (Java 20), and DJL's PyTorch engine cannot hold BF16 tensors at all.
 */
public final class HalfFloats {

    /** What PyTorch stores for any BF16 NaN (c10::BFloat16 round_to_nearest_even). */
    static final int BF16_NAN = 0x7FC0;

    /** The F16 quiet-NaN bits PyTorch stores, before the sign (c10 fp16_ieee_from_fp32_value). */
    static final int F16_NAN = 0x7E00;

    private HalfFloats() {}

    /** The float32 whose upper 16 bits are {@code bits} (exact). */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** {@code value} rounded to BF16, ties to even; overflow gives ±inf and every NaN 0x7FC0. */
    public static int floatToBf16(float value) {
        if (Float.isNaN(value)) {
            return BF16_NAN;
        }
        int bits = Float.floatToRawIntBits(value);
        // Adding 0x7FFF plus the lowest kept bit rounds the dropped 16 bits to nearest, ties to
        // even; a carry out of the mantissa bumps the exponent, up to inf for the largest values.
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return ((bits + roundingBias) >>> 16) & 0xFFFF;
    }

    /** The float32 equal to the IEEE half {@code bits} (exact; NaN payloads kept). */
    public static float f16ToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa · 2^-24, exact in float32
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // rebias the exponent from 15 to 127
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /**
     * {@code value} rounded to IEEE half, ties to even: magnitudes from 65520 (halfway between
     * the largest half, 65504, and 2^16) up become ±inf, tiny ones become subnormals or ±0, and
     * every NaN becomes the quiet NaN 0x7E00 with its sign.
     */
    public static int floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7FFFFFFF;
        if (magnitude > 0x7F800000) {
            return sign | F16_NAN;
        }
        if (magnitude >= 0x477FF000) { // 65520.0f and up, inf included
            return sign | 0x7C00;
        }
        if (magnitude >= 0x38800000) { // 2^-14 and up: a normal half
            int half = ((((magnitude >>> 23) - 112) << 10)) | ((magnitude >>> 13) & 0x3FF);
            return sign | roundDropped(half, magnitude & 0x1FFF, 0x1000);
        }
        if (magnitude <= 0x33000000) { // up to 2^-25, half of the smallest subnormal: ties to 0
            return sign;
        }
        // subnormal half: the value in units of 2^-24 is the full float mantissa (implicit bit
        // set) shifted right by 126 - exponent, which is 14..24 in this range
        int shift = 126 - (magnitude >>> 23);
        int mantissa = (magnitude & 0x7FFFFF) | 0x800000;
        int halfway = 1 << (shift - 1);
        return sign | roundDropped(mantissa >>> shift, mantissa & ((1 << shift) - 1), halfway);
    }

    /** {@code kept} plus one when the dropped bits are above half, or exactly half and kept is odd. */
    private static int roundDropped(int kept, int dropped, int halfway) {
        boolean up = dropped > halfway || (dropped == halfway && (kept & 1) == 1);
        // a carry out of the mantissa moves to the next binade (or to inf), as it should
        return up ? kept + 1 : kept;
    }
}
