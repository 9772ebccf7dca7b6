package org.dpo4j.trainer.data.chat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr(float)}, which {@code {{ x }}} and {@code |tojson} print: the shortest
 * decimal that reads back as the same double (the closest one when several have that length),
 * in fixed notation when the decimal exponent is in [-4, 16), else as {@code 1e+16},
 * {@code 1.5e-05}. Java's {@code Double.toString} differs in layout (1.0E16) and, before JDK 19,
 * is not always shortest, so the digits are searched here.
 */
final class PyFloats {

    private PyFloats() {}

    /** {@code repr(d)}: {@code inf}, {@code -inf}, {@code nan}, {@code -0.0}, {@code 0.1}, ... */
    static String repr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortest(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        // value = 0.digits × 10^point
        int point = digits.length() - shortest.scale();
        String body = (point <= -4 || point > 16) ? scientific(digits, point)
                : fixed(digits, point);
        return d < 0 ? "-" + body : body;
    }

    /** The shortest round-tripping decimal for a positive finite {@code d}, trailing zeros cut. */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int precision = 1; ; precision++) {
            BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            BigDecimal best = null;
            // The nearest decimal of this length may fall outside the (asymmetric) round-trip
            // interval at a power of two while a neighbour falls inside: try all three.
            BigDecimal unit = BigDecimal.ONE.movePointLeft(nearest.scale());
            BigDecimal[] candidates = {nearest, nearest.subtract(unit), nearest.add(unit)};
            for (BigDecimal candidate : candidates) {
                if (candidate.signum() > 0 && candidate.doubleValue() == d
                        && (best == null || closer(candidate, best, exact))) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best.stripTrailingZeros();
            }
        }
    }

    private static boolean closer(BigDecimal a, BigDecimal b, BigDecimal exact) {
        return a.subtract(exact).abs().compareTo(b.subtract(exact).abs()) < 0;
    }

    private static String fixed(String digits, int point) {
        if (point <= 0) {
            return "0." + "0".repeat(-point) + digits;
        }
        if (point >= digits.length()) {
            return digits + "0".repeat(point - digits.length()) + ".0";
        }
        return digits.substring(0, point) + "." + digits.substring(point);
    }

    private static String scientific(String digits, int point) {
        String mantissa = digits.length() == 1 ? digits
                : digits.charAt(0) + "." + digits.substring(1);
        int exponent = point - 1;
        String sign = exponent < 0 ? "-" : "+";
        String magnitude = String.valueOf(Math.abs(exponent));
        return mantissa + "e" + sign + (magnitude.length() < 2 ? "0" + magnitude : magnitude);
    }
}
