package org.dpo4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dpo4j.trainer.common.ConfigValueException;
import org.junit.jupiter.api.Test;

class ByteSizeTest {

    private static long parse(String value) {
        return ByteSize.parse(value, "output.max_shard_size");
    }

    @Test
    void unitsAsHuggingFaceReadsThem() {
        assertEquals(1024L, parse("1024"));
        assertEquals(10_000L, parse("10KB"));
        assertEquals(500_000_000L, parse("500MB"));
        assertEquals(2_000_000_000L, parse("2GB"));
        assertEquals(5L * 1024, parse("5KiB"));
        assertEquals(500L * 1024 * 1024, parse("500MiB")); // 524,288,000
        assertEquals(2L * 1024 * 1024 * 1024, parse("2GiB")); // 2,147,483,648
        assertEquals(2L * 1024 * 1024 * 1024, parse("2gib"), "units ignore case, as there");
        assertEquals(5_000_000_000L, parse(" 5 GB "), "Python's int() accepts the spaces too");
    }

    @Test
    void badValuesNameTheKeyAndTheAllowedForms() {
        for (String bad : new String[] {"", "1.5GB", "-1", "5TB", "GB", "abc", "5 G B"}) {
            ConfigValueException e = assertThrows(ConfigValueException.class, () -> parse(bad), bad);
            assertEquals("output.max_shard_size", e.key());
            assertTrue(e.getMessage().contains("KB, MB, GB (powers of 10) or KiB, MiB, GiB (powers of 2)")
                    && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertTrue(assertThrows(ConfigValueException.class, () -> parse(null)).getMessage().contains("got nothing"));
        assertTrue(assertThrows(ConfigValueException.class, () -> parse("0")).getMessage().contains("at least 1 byte"));
        assertTrue(assertThrows(ConfigValueException.class, () -> parse("99999999999GB")).getMessage()
                .contains("more than"));
    }

    @Test
    void lowercaseBIsBitsInHuggingFaceSoItIsRefused() {
        ConfigValueException e = assertThrows(ConfigValueException.class, () -> parse("500mb"));
        assertEquals("output.max_shard_size: '500mb' ends in a lowercase b, which Hugging Face reads as bits;"
                + " write 500MB for bytes", e.getMessage());
    }
}
