package org.dpo4j.trainer.data.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps}, which transformers installs as the {@code tojson} filter of chat
 * templates (Jinja's own filter escapes HTML characters; Jinjava's writes no spaces). Layout:
 *
 * <ul>
 *   <li>no indent: {@code {"a": 1, "b": [1, 2]}} (separators {@code ", "} and {@code ": "});
 *   <li>indent n (or a string): one item per line, each level indented by n spaces (or the
 *       string), separators {@code ","} and {@code ": "}; empty containers stay {@code []},
 *       {@code {}};
 *   <li>strings: {@code \" \\ \n \r \t \b \f} escaped, other controls as {@code \u001f}
 *       (lower-case hex); with {@code ensure_ascii} every non-ASCII UTF-16 unit as well;
 *   <li>keys: strings as they are; numbers, booleans and none turned into their JSON text
 *       ({@code {1: 2}} gives {@code {"1": 2}}); insertion order unless sorted.
 * </ul>
 *
 * @param indent    {@code null}: one line; otherwise the text one level adds
 * @param itemSep   between items
 * @param keySep    between a key and its value
 * @param sortKeys  sort each object's keys (all keys of an object must be strings)
 * @param ensureAscii escape non-ASCII characters
 */
record PyJson(String indent, String itemSep, String keySep, boolean sortKeys, boolean ensureAscii) {

    /**
     * The encoder {@code json.dumps(x, ensure_ascii=..., indent=..., separators=...,
     * sort_keys=...)} uses.
     *
     * @param indent     {@code null}, a non-negative integer (spaces per level) or a string
     * @param separators {@code null} for the default, else a pair (item, key)
     * @throws PyCallException for an argument of the wrong type
     */
    static PyJson of(Object indent, Object separators, boolean sortKeys, boolean ensureAscii) {
        String levelText = null;
        if (PyValues.isInteger(indent)) {
            levelText = " ".repeat((int) Math.max(0, ((Number) indent).longValue()));
        } else if (indent instanceof String text) {
            levelText = text;
        } else if (indent != null) {
            throw new PyCallException("indent must be an int or a str, got "
                    + PyValues.typeName(indent));
        }
        String itemSep = levelText == null ? ", " : ",";
        String keySep = ": ";
        if (separators != null) {
            if (!(separators instanceof List<?> pair) || pair.size() != 2
                    || !(pair.get(0) instanceof String) || !(pair.get(1) instanceof String)) {
                throw new PyCallException("separators must be a pair of strings");
            }
            itemSep = (String) pair.get(0);
            keySep = (String) pair.get(1);
        }
        return new PyJson(levelText, itemSep, keySep, sortKeys, ensureAscii);
    }

    /**
     * The JSON text of {@code value}.
     *
     * @throws PyCallException for a value JSON cannot hold ("Object of type X is not
     *     JSON serializable", as Python)
     */
    String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, 0, out);
        return out.toString();
    }

    private void write(Object value, int level, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence text) {
            string(text.toString(), out);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (PyValues.isInteger(value)) {
            out.append(value);
        } else if (PyValues.isFloat(value)) {
            out.append(number(((Number) value).doubleValue()));
        } else if (value instanceof Map<?, ?> map) {
            object(map, level, out);
        } else if (value instanceof List<?> list) {
            array(list, level, out);
        } else if (value instanceof Map.Entry<?, ?> entry) {
            // dict.items() yields (key, value) tuples, which JSON writes as arrays
            array(Arrays.asList(entry.getKey(), entry.getValue()), level, out);
        } else {
            throw new PyCallException("Object of type " + PyValues.typeName(value)
                    + " is not JSON serializable");
        }
    }

    /** Python writes the non-finite floats JavaScript's way (allow_nan=True). */
    private static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return PyFloats.repr(d);
    }

    private void array(List<?> list, int level, StringBuilder out) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            separate(i, level + 1, out);
            write(list.get(i), level + 1, out);
        }
        close(level, out);
        out.append(']');
    }

    private void object(Map<?, ?> map, int level, StringBuilder out) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        Collection<? extends Map.Entry<?, ?>> entries = map.entrySet();
        if (sortKeys) {
            List<Map.Entry<?, ?>> sorted = new ArrayList<>(entries);
            sorted.sort((a, b) -> sortKey(a.getKey()).compareTo(sortKey(b.getKey())));
            entries = sorted;
        }
        int i = 0;
        for (Map.Entry<?, ?> entry : entries) {
            separate(i++, level + 1, out);
            string(key(entry.getKey()), out);
            out.append(keySep);
            write(entry.getValue(), level + 1, out);
        }
        close(level, out);
        out.append('}');
    }

    /** Python compares the original keys; only string keys are supported when sorting. */
    private static String sortKey(Object key) {
        if (!(key instanceof CharSequence text)) {
            throw new PyCallException("sort_keys with a " + PyValues.typeName(key)
                    + " key is not supported");
        }
        return text.toString();
    }

    private static String key(Object key) {
        if (key instanceof CharSequence text) {
            return text.toString();
        }
        if (key == null) {
            return "null";
        }
        if (key instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (PyValues.isInteger(key)) {
            return key.toString();
        }
        if (PyValues.isFloat(key)) {
            return number(((Number) key).doubleValue());
        }
        throw new PyCallException("keys must be str, int, float, bool or None, not "
                + PyValues.typeName(key));
    }

    private void separate(int index, int level, StringBuilder out) {
        if (index > 0) {
            out.append(itemSep);
        }
        if (indent != null) {
            out.append('\n').append(indent.repeat(level));
        }
    }

    private void close(int level, StringBuilder out) {
        if (indent != null) {
            out.append('\n').append(indent.repeat(level));
        }
    }

    private void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7E)) {
                        // Python's ensure_ascii escapes from 0x7F on: DEL included.
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
