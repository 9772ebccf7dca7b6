package org.dpo4j.trainer.checkpoint;

import static org.dpo4j.trainer.checkpoint.HalfFloats.bf16ToFloat;
import static org.dpo4j.trainer.checkpoint.HalfFloats.f16ToFloat;
import static org.dpo4j.trainer.checkpoint.HalfFloats.floatToBf16;
import static org.dpo4j.trainer.checkpoint.HalfFloats.floatToF16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    private static boolean isF16NaN(int h) {
        return (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
    }

    private static boolean isBf16NaN(int h) {
        return (h & 0x7F80) == 0x7F80 && (h & 0x7F) != 0;
    }

    @Test
    void everyF16PatternDecodesAndEncodesBack() {
        int nans = 0;
        for (int h = 0; h <= 0xFFFF; h++) {
            float f = f16ToFloat(h);
            if (isF16NaN(h)) {
                assertTrue(Float.isNaN(f), Integer.toHexString(h));
                nans++;
            } else {
                assertEquals(h, floatToF16(f), () -> "0x" + Integer.toHexString(floatToF16(f)));
            }
        }
        // exponent 31 with one of 1023 non-zero mantissas, for either sign
        assertEquals(2 * 1023, nans);
    }

    @Test
    void f16DecodingIsMonotonic() {
        // positive patterns 0x0000..0x7C00 (up to +inf) order like their values
        for (int h = 1; h <= 0x7C00; h++) {
            assertTrue(f16ToFloat(h) > f16ToFloat(h - 1), Integer.toHexString(h));
        }
    }

    @Test
    void everyBf16PatternDecodesAndEncodesBack() {
        int nans = 0;
        for (int h = 0; h <= 0xFFFF; h++) {
            float f = bf16ToFloat(h);
            assertEquals(h << 16, Float.floatToRawIntBits(f), "BF16 is the upper half of a float32");
            if (isBf16NaN(h)) {
                assertTrue(Float.isNaN(f));
                nans++;
            } else {
                assertEquals(h, floatToBf16(f), Integer.toHexString(h));
            }
        }
        // exponent 255 with one of 127 non-zero mantissas, for either sign
        assertEquals(2 * 127, nans);
    }

    @Test
    void f16HandDecodedValues() {
        assertEquals(1.0f, f16ToFloat(0x3C00)); // exponent 15 = bias, mantissa 0
        assertEquals(-2.0f, f16ToFloat(0xC000)); // sign, exponent 16
        // 0x3555: exponent 0b01101 = 13, mantissa 0x155 = 341: (1 + 341/1024) * 2^-2
        assertEquals(0.333251953125f, f16ToFloat(0x3555));
        assertEquals(65504f, f16ToFloat(0x7BFF)); // (2 - 2^-10) * 2^15, the largest half
        assertEquals(0x1p-24f, f16ToFloat(0x0001)); // smallest subnormal: 1 * 2^-24
        assertEquals(1023 * 0x1p-24f, f16ToFloat(0x03FF)); // largest subnormal
        assertEquals(0x1p-14f, f16ToFloat(0x0400)); // smallest normal
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(f16ToFloat(0x8000)));
        assertEquals(Float.POSITIVE_INFINITY, f16ToFloat(0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, f16ToFloat(0xFC00));
    }

    @Test
    void f16RoundsToNearestTiesToEven() {
        assertEquals(0x3C00, floatToF16(1.0f));
        // 1 + 2^-11 is halfway between 0x3C00 (1) and 0x3C01 (1 + 2^-10): the even one, 0x3C00
        assertEquals(0x3C00, floatToF16(1 + 0x1p-11f));
        // 1 + 3*2^-11 is halfway between 0x3C01 and 0x3C02: the even one, 0x3C02
        assertEquals(0x3C02, floatToF16(1 + 3 * 0x1p-11f));
        // just above a tie rounds up
        assertEquals(0x3C01, floatToF16(Math.nextUp(1 + 0x1p-11f)));
        assertEquals(0xBC02, floatToF16(-(1 + 3 * 0x1p-11f)), "the sign does not change rounding");
    }

    @Test
    void f16OverflowsToInfinity() {
        assertEquals(0x7BFF, floatToF16(65504f));
        // 65520 is halfway between 65504 (0x7BFF, odd) and 2^16 (the would-be 0x7C00): up to inf
        assertEquals(0x7C00, floatToF16(65520f));
        assertEquals(0x7BFF, floatToF16(Math.nextDown(65520f)));
        assertEquals(0xFC00, floatToF16(-1e6f));
        assertEquals(0x7C00, floatToF16(Float.MAX_VALUE));
        assertEquals(0x7C00, floatToF16(Float.POSITIVE_INFINITY));
        assertEquals(0xFC00, floatToF16(Float.NEGATIVE_INFINITY));
    }

    @Test
    void f16SubnormalsAndUnderflow() {
        assertEquals(0x0001, floatToF16(0x1p-24f));
        // 2^-25 is halfway between 0 and 2^-24: ties to even, 0
        assertEquals(0x0000, floatToF16(0x1p-25f));
        assertEquals(0x0001, floatToF16(Math.nextUp(0x1p-25f)));
        // 1.5 * 2^-24 is halfway between 1 and 2 units: 2; 2.5 units is between 2 and 3: 2
        assertEquals(0x0002, floatToF16(1.5f * 0x1p-24f));
        assertEquals(0x0002, floatToF16(2.5f * 0x1p-24f));
        // 1023.5 units is halfway between the largest subnormal (0x3FF, odd) and 2^-14 (0x400)
        assertEquals(0x0400, floatToF16(1023.5f * 0x1p-24f));
        assertEquals(0x0400, floatToF16(0x1p-14f));
        assertEquals(0x0000, floatToF16(1e-10f));
        assertEquals(0x8000, floatToF16(-1e-10f), "underflow keeps the sign");
        assertEquals(0x8000, floatToF16(-0.0f));
        assertEquals(0x0000, floatToF16(Float.MIN_VALUE));
    }

    @Test
    void nanStaysNaNAsPyTorchWritesIt() {
        assertEquals(0x7E00, floatToF16(Float.NaN));
        assertEquals(0xFE00, floatToF16(Float.intBitsToFloat(0xFFC00000)));
        assertEquals(0x7E00, floatToF16(Float.intBitsToFloat(0x7F800001)), "a signalling NaN is quieted");
        assertEquals(0x7FC0, floatToBf16(Float.NaN));
        // PyTorch writes one BF16 NaN whatever the sign and payload
        assertEquals(0x7FC0, floatToBf16(Float.intBitsToFloat(0xFFC00001)));
        assertEquals(0x7FC0, floatToBf16(Float.intBitsToFloat(0x7F800001)), "not rounded into inf");
    }

    @Test
    void bf16RoundsToNearestTiesToEven() {
        assertEquals(0x3F80, floatToBf16(1.0f));
        // 1 + 2^-8 is halfway between 0x3F80 (1) and 0x3F81 (1 + 2^-7): the even one
        assertEquals(0x3F80, floatToBf16(1 + 0x1p-8f));
        // 1 + 3*2^-8 is halfway between 0x3F81 and 0x3F82: the even one
        assertEquals(0x3F82, floatToBf16(1 + 3 * 0x1p-8f));
        assertEquals(0x3F81, floatToBf16(Math.nextUp(1 + 0x1p-8f)));
        // float32 subnormals: 0x00008000 is half a BF16 unit above 0 (even): 0;
        // 0x00018000 is halfway between 0x0001 (odd) and 0x0002: 0x0002
        assertEquals(0x0000, floatToBf16(Float.intBitsToFloat(0x00008000)));
        assertEquals(0x0002, floatToBf16(Float.intBitsToFloat(0x00018000)));
        assertEquals(0x8000, floatToBf16(-0.0f));
    }

    @Test
    void bf16OverflowsToInfinity() {
        // the largest BF16 is 0x7F7F; 0x7F7F8000 is halfway to 2^128 and 0x7F7F is odd: inf
        assertEquals(0x7F80, floatToBf16(Float.intBitsToFloat(0x7F7F8000)));
        assertEquals(0x7F7F, floatToBf16(Float.intBitsToFloat(0x7F7F7FFF)));
        assertEquals(0x7F80, floatToBf16(Float.MAX_VALUE));
        assertEquals(0xFF80, floatToBf16(-Float.MAX_VALUE));
        assertEquals(0x7F80, floatToBf16(Float.POSITIVE_INFINITY));
    }

    @Test
    void randomFloatsRoundToTheNearestHalf() {
        // Invariant: no other half is nearer, and on a tie the result's mantissa is even. Inf
        // stands for 2^16 here, the value the rounding rule of IEEE 754 gives it.
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(f) || Math.abs(f) >= 65520f) {
                continue;
            }
            int h = floatToF16(f) & 0x7FFF;
            double x = Math.abs((double) f);
            double error = Math.abs(magnitude(h) - x);
            for (int n = Math.max(0, h - 1); n <= Math.min(0x7C00, h + 1); n++) {
                double other = Math.abs(magnitude(n) - x);
                assertTrue(error < other || n == h || (error == other && (h & 1) == 0),
                        () -> f + " -> 0x" + Integer.toHexString(h));
            }
        }
    }

    private static double magnitude(int h) {
        return h == 0x7C00 ? 65536.0 : f16ToFloat(h);
    }

    @Test
    void f16AgreesWithLibtorch() {
        // libtorch's own float<->half conversions as an independent reference: all 65536
        // patterns to float32, and a million random float32 (plus every half-way value between
        // neighbouring halves, the hardest case) to half. NaNs only need to stay NaN.
        try (NDManager manager = NDManager.newBaseManager()) {
            ByteBuffer halves = ByteBuffer.allocateDirect(2 * 65536).order(ByteOrder.nativeOrder());
            for (int h = 0; h <= 0xFFFF; h++) {
                halves.putShort((short) h);
            }
            halves.flip();
            NDArray half = manager.create(halves, new Shape(65536), DataType.FLOAT16);
            float[] widened = half.toType(DataType.FLOAT32, false).toFloatArray();
            for (int h = 0; h <= 0xFFFF; h++) {
                if (isF16NaN(h)) {
                    assertTrue(Float.isNaN(widened[h]));
                } else {
                    assertEquals(Float.floatToRawIntBits(widened[h]), Float.floatToRawIntBits(f16ToFloat(h)),
                            Integer.toHexString(h));
                }
            }

            SplittableRandom random = new SplittableRandom(11);
            float[] values = new float[1_000_000 + 0x7C00];
            for (int i = 0; i < 1_000_000; i++) {
                values[i] = Float.intBitsToFloat(random.nextInt());
            }
            for (int h = 0; h < 0x7C00; h++) {
                values[1_000_000 + h] = (float) ((magnitude(h) + magnitude(h + 1)) / 2); // exact in float32
            }
            ByteBuffer narrowed = manager.create(values).toType(DataType.FLOAT16, false).toByteBuffer()
                    .order(ByteOrder.nativeOrder());
            for (float v : values) {
                int torch = narrowed.getShort() & 0xFFFF;
                if (Float.isNaN(v)) {
                    assertTrue(isF16NaN(torch));
                } else {
                    assertEquals(torch, floatToF16(v), () -> v + " (0x" + Integer.toHexString(Float.floatToRawIntBits(v)) + ")");
                }
            }
        }
    }
}
