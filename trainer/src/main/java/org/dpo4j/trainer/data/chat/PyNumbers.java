package org.dpo4j.trainer.data.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Python's {@code int()} and {@code float()} of template values, for Jinja's {@code int} and
 * {@code float} filters: text as Python reads it (surrounding whitespace, a sign, {@code _}
 * between digits, {@code inf}/{@code nan}); Jinjava reads {@code "1e3"} as 0 and
 * {@code "3.7"|int} as 0.
 */
final class PyNumbers {

    private static final String DIGITS = "[0-9](?:_?[0-9])*";
    private static final Pattern INT = Pattern.compile("[+-]?" + DIGITS);
    private static final Pattern FLOAT = Pattern.compile("[+-]?(?:(?:" + DIGITS + ")?\\.?(?:"
            + DIGITS + ")?(?:[eE][+-]?" + DIGITS + ")?|inf|infinity|nan)",
            Pattern.CASE_INSENSITIVE);

    private PyNumbers() {}

    /** {@code float(value)}, or {@code null} where Python raises TypeError/ValueError. */
    static Double toFloat(Object value) {
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (!(value instanceof CharSequence)) {
            return null;
        }
        String text = PyStrings.strip(value.toString(), null);
        if (!FLOAT.matcher(text).matches() || !text.matches(".*[0-9nN].*")) {
            return null;
        }
        String plain = text.replace("_", "").toLowerCase(Locale.ROOT);
        String unsigned = plain.replaceFirst("^[+-]", "");
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return plain.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        return Double.parseDouble(plain);
    }

    /**
     * Jinja's {@code int} filter: {@code int(value)} for text and numbers, else
     * {@code int(float(value))}, else {@code fallback}.
     *
     * @throws PyCallException for an infinite value (Python's OverflowError)
     */
    static Object toInt(Object value, Object fallback) {
        if (value instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (PyValues.isInteger(value)) {
            return value;
        }
        if (value instanceof CharSequence) {
            String text = PyStrings.strip(value.toString(), null);
            if (INT.matcher(text).matches()) {
                return shortest(new BigInteger(text.replace("_", "")));
            }
        }
        Double d = toFloat(value);
        if (d == null || d.isNaN()) {
            return fallback;
        }
        if (d.isInfinite()) {
            throw new PyCallException("cannot convert float infinity to integer");
        }
        return shortest(new BigDecimal(d).toBigInteger());
    }

    private static Object shortest(BigInteger n) {
        return n.bitLength() < 64 ? (Object) n.longValue() : n;
    }
}
