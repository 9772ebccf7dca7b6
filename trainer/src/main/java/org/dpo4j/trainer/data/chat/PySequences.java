package org.dpo4j.trainer.data.chat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Jinja's filters over sequences, as Python runs them: strings are sequences of characters
 * (code points), dicts of their keys ({@link PyIteration}).
 */
final class PySequences {

    private PySequences() {}

    /** {@code len(value)}; undefined counts 0, as Jinja's Undefined. */
    static int length(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof CharSequence text) {
            return text.toString().codePointCount(0, text.length());
        }
        if (value instanceof Collection<?> c) {
            return c.size();
        }
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        throw new PyCallException("object of type '" + PyValues.typeName(value) + "' has no len()");
    }

    /** Jinja's {@code first}: the first item, undefined when there is none. */
    static Object first(Object value) {
        Iterator<?> items = PyIteration.items(value, "first").iterator();
        return items.hasNext() ? items.next() : null;
    }

    /** Jinja's {@code last}: the last item, undefined when there is none. */
    static Object last(Object value) {
        List<Object> items = list(value);
        return items.isEmpty() ? null : items.get(items.size() - 1);
    }

    /** {@code list(value)}: a string's characters, a dict's keys, a list's items. */
    static List<Object> list(Object value) {
        List<Object> items = new ArrayList<>();
        PyIteration.items(value, "list").forEach(items::add);
        return items;
    }

    /** Jinja's {@code reverse}: a string reversed, else the items in reverse order. */
    static Object reverse(Object value) {
        if (value instanceof CharSequence text) {
            return new StringBuilder(text).reverse().toString();
        }
        List<Object> items = list(value);
        Collections.reverse(items);
        return items;
    }

    /** Python's {@code sum} over integers (booleans count as 0 and 1). */
    static Object sum(Object value, Object attribute, Object start) {
        BigInteger total = integer(start == null ? 0L : start);
        for (Object item : PyIteration.items(value, "sum")) {
            Object term = attribute == null ? item : PyIteration.attribute(item, attribute);
            total = total.add(integer(term));
        }
        return total.bitLength() < 64 ? (Object) total.longValue() : total;
    }

    private static BigInteger integer(Object value) {
        if (value instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        }
        if (PyValues.isInteger(value)) {
            return new BigInteger(value.toString());
        }
        throw new PyCallException("sum: only integers are supported, got a "
                + PyValues.typeName(value));
    }

    /** Jinja's {@code join}: {@code d.join(str(item) ...)}, items looked up by attribute. */
    static String join(Object value, Object separator, Object attribute) {
        String sep = separator == null ? "" : PyValues.str(separator);
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (Object item : PyIteration.items(value, "join")) {
            if (i++ > 0) {
                out.append(sep);
            }
            Object shown = attribute == null ? item : PyIteration.attribute(item, attribute);
            out.append(PyValues.str(shown));
        }
        return out.toString();
    }

    /** Jinja's {@code items}: a dict's (key, value) pairs as two-item lists. */
    static List<List<Object>> items(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new PyCallException("items: can only get item pairs from a mapping, not a "
                    + PyValues.typeName(value));
        }
        List<List<Object>> pairs = new ArrayList<>(map.size());
        map.forEach((k, v) -> pairs.add(Arrays.asList(k, v)));
        return pairs;
    }
}
