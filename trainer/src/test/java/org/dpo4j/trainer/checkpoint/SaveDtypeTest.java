package org.dpo4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.dpo4j.trainer.common.ConfigValueException;
import org.junit.jupiter.api.Test;

class SaveDtypeTest {

    @Test
    void parsesConfigNames() {
        assertEquals(SaveDtype.F32, SaveDtype.parse("f32", "save_dtype"));
        assertEquals(SaveDtype.BF16, SaveDtype.parse("bf16", "save_dtype"));
        assertEquals(SaveDtype.F16, SaveDtype.parse("f16", "save_dtype"));
        ConfigValueException e = assertThrows(ConfigValueException.class, () -> SaveDtype.parse("fp16", "save_dtype"));
        assertEquals("save_dtype: must be one of f32, bf16, f16, got 'fp16'", e.getMessage());
        assertEquals("save_dtype", e.key());
        assertThrows(ConfigValueException.class, () -> SaveDtype.parse(null, "save_dtype"));
    }

    @Test
    void encodesLittleEndian() {
        float[] values = {1f, -2f, 0.1f};
        ByteBuffer f32 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        SaveDtype.F32.encode(values, 1, 3, f32);
        assertEquals(8, f32.position(), "two floats");
        assertEquals(-2f, f32.getFloat(0));
        ByteBuffer bf16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        SaveDtype.BF16.encode(values, 0, 3, bf16);
        // 0.1f = 0x3DCCCCCD: the dropped half 0xCCCD is above 0x8000, so 0x3DCC rounds up to 0x3DCD
        assertEquals(0x3F80, bf16.getShort(0) & 0xFFFF);
        assertEquals(0xC000, bf16.getShort(2) & 0xFFFF);
        assertEquals(0x3DCD, bf16.getShort(4) & 0xFFFF);
        ByteBuffer f16 = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
        SaveDtype.F16.encode(values, 2, 3, f16);
        // 0.1 = 1.6 * 2^-4: exponent 11 (0x2C00); mantissa 0.6 * 1024 = 614.4 -> 614 = 0x266
        assertEquals(0x2E66, f16.getShort(0) & 0xFFFF);
        assertEquals(0.0999755859375f, SaveDtype.F16.rounded(0.1f)); // (1 + 614/1024) / 16
    }
}
