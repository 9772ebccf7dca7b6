package org.dpo4j.trainer.data.chat;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code ==} and ordering, for the template operators and tests. Java EL (Jinjava's)
 * converts operands to a common type first, so {@code 1 == '1'} is true there and
 * {@code true == 1} fails; Python compares numbers by value (booleans are 0 and 1), strings by
 * code points, lists item by item, and values of unrelated types are simply unequal (ordering
 * them is an error).
 */
final class PyCompare {

    private PyCompare() {}

    static boolean equal(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (isNumeric(a) && isNumeric(b)) {
            Integer sign = compareNumbers(a, b);
            return sign != null && sign == 0;
        }
        if (a instanceof CharSequence x && b instanceof CharSequence y) {
            return x.toString().equals(y.toString());
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> entry : x.entrySet()) {
                Object key = entry.getKey();
                if (!y.containsKey(key) || !equal(entry.getValue(), y.get(key))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /**
     * The sign of {@code a - b}: numbers by value, strings by code points, lists item by item;
     * {@code null} when a NaN makes them unordered (every comparison false).
     *
     * @param operator for the message
     * @throws PyCallException for other operands ({@code TypeError} in Python)
     */
    static Integer order(Object a, Object b, String operator) {
        if (a != null && b != null && isNumeric(a) && isNumeric(b)) {
            return compareNumbers(a, b);
        }
        if (a instanceof CharSequence x && b instanceof CharSequence y) {
            return compareCodePoints(x.toString(), y.toString());
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            Iterator<?> i = x.iterator();
            Iterator<?> j = y.iterator();
            while (i.hasNext() && j.hasNext()) {
                Object p = i.next();
                Object q = j.next();
                if (!equal(p, q)) {
                    return order(p, q, operator);
                }
            }
            return Boolean.compare(i.hasNext(), j.hasNext());
        }
        throw new PyCallException("'" + operator + "' not supported between instances of '"
                + PyValues.typeName(a) + "' and '" + PyValues.typeName(b) + "'");
    }

    private static boolean isNumeric(Object value) {
        return value instanceof Number || value instanceof Boolean;
    }

    /** Exact, as Python compares an int with a float; {@code null} when either is NaN. */
    private static Integer compareNumbers(Object a, Object b) {
        double x = asDouble(a);
        double y = asDouble(b);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return null;
        }
        if (Double.isInfinite(x) || Double.isInfinite(y)) {
            return Double.compare(x, y);
        }
        return exact(a).compareTo(exact(b));
    }

    private static double asDouble(Object value) {
        return value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue();
    }

    private static BigDecimal exact(Object value) {
        if (value instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (PyValues.isInteger(value)) {
            return new BigDecimal(value.toString());
        }
        return new BigDecimal(((Number) value).doubleValue());
    }

    private static int compareCodePoints(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int p = x.codePointAt(i);
            int q = y.codePointAt(j);
            if (p != q) {
                return Integer.compare(p, q);
            }
            i += Character.charCount(p);
            j += Character.charCount(q);
        }
        return Boolean.compare(i < x.length(), j < y.length());
    }
}
