package org.dpo4j.trainer.data.chat;

import java.util.List;
import java.util.Map;

/** Iterating and item lookup as Jinja does them, for the filters redone in {@link PyFilters}. */
final class PyIteration {

    private PyIteration() {}

    /**
     * What {@code for x in value} visits: a list's items, a dict's keys, a string's characters;
     * nothing for undefined.
     *
     * @throws PyCallException for a value that is not iterable
     */
    static Iterable<?> items(Object value, String function) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Map<?, ?> map) {
            return map.keySet();
        }
        if (value instanceof Iterable<?> iterable) {
            return iterable;
        }
        if (value instanceof CharSequence text) {
            return text.toString().codePoints().mapToObj(cp -> new String(Character.toChars(cp)))
                    .toList();
        }
        throw new PyCallException(function + ": '" + PyValues.typeName(value)
                + "' object is not iterable");
    }

    /**
     * Jinja's attribute getter ({@code make_attrgetter}): {@code "a.b.0"} looks up key
     * {@code a}, then {@code b}, then index 0; an integer looks up that index. A missing step is
     * undefined ({@code null}).
     */
    static Object attribute(Object item, Object attribute) {
        Object current = item;
        List<Object> path = PyValues.isInteger(attribute) ? List.of(attribute)
                : List.of((Object[]) PyValues.str(attribute).split("\\.", -1));
        for (Object step : path) {
            current = step(current, step);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static Object step(Object current, Object step) {
        Object key = step instanceof String text && text.matches("[0-9]+")
                ? (Object) Long.valueOf(text) : step;
        if (current instanceof Map<?, ?> map) {
            // Jinja turns digit parts into ints, so "1" does not find a string key "1".
            return map.get(key);
        }
        if (current instanceof List<?> list && key instanceof Long index) {
            return index < list.size() ? list.get(index.intValue()) : null;
        }
        return null;
    }
}
