package org.dpo4j.trainer.checkpoint;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * Byte counts in Hugging Face's {@code max_shard_size} syntax: a plain integer of bytes, or an
 * integer with a unit: {@code KB}, {@code MB}, {@code GB} (powers of 10) or {@code KiB},
 * {@code MiB}, {@code GiB} (powers of 2), e.g. {@code "5GB"} = 5,000,000,000 and
 * {@code "500MiB"} = 524,288,000.
 */
public final class ByteSize {

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([KMG]i?B)?", Pattern.CASE_INSENSITIVE);

    private static final String ALLOWED = "an integer number of bytes, or an integer with KB, MB, GB"
            + " (powers of 10) or KiB, MiB, GiB (powers of 2), e.g. 5GB or 500MiB";

    private ByteSize() {}

    /**
     * The number of bytes {@code value} names; at least 1.
     *
     * <p>Hugging Face reads {@code KB/MB/GB} written with a lowercase final {@code b} (e.g.
     * {@code "500mb"}) as bits, an eighth of what most people mean; such values are refused
     * rather than read either way.
     *
     * @param value   e.g. {@code "2GB"}, {@code "500MiB"}, {@code "10000000"}
     * @param keyPath the key the value came from, for the message (inside a config record's
     *                constructor, the key relative to the record: the config loader adds the rest)
     * @throws ConfigValueException "KEY: must be an integer number of bytes, or ..., got 'x'"
     */
    public static long parse(String value, String keyPath) {
        Matcher m = value == null ? null : FORM.matcher(value.strip());
        if (m == null || !m.matches()) {
            throw new ConfigValueException(keyPath, "must be " + ALLOWED + ", got "
                    + (value == null ? "nothing" : "'" + value + "'"));
        }
        String unit = m.group(2);
        if (unit != null && unit.endsWith("b") && unit.length() == 2) {
            String upper = m.group(1) + unit.toUpperCase(Locale.ROOT);
            throw new ConfigValueException(keyPath, "'" + value + "' ends in a lowercase b, which Hugging Face"
                    + " reads as bits; write " + upper + " for bytes");
        }
        long multiplier = unit == null ? 1 : switch (unit.toUpperCase(Locale.ROOT)) {
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "KIB" -> 1L << 10;
            case "MIB" -> 1L << 20;
            case "GIB" -> 1L << 30;
            default -> throw new IllegalStateException(unit); // the pattern allows nothing else
        };
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigValueException(keyPath, "'" + value + "' is more than " + Long.MAX_VALUE + " bytes");
        }
        if (bytes < 1) {
            throw new ConfigValueException(keyPath, "must be at least 1 byte, got '" + value + "'");
        }
        return bytes;
    }
}
