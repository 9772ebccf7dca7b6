package org.dpo4j.trainer.data.chat;

import java.util.Collection;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Python's {@code repr()} of template values, which {@code str()} of a list or dict prints
 * (templates such as SmolLM3's write a tool as {@code tool | string}):
 *
 * <ul>
 *   <li>strings in single quotes, or double quotes when the text has a single quote and no
 *       double one; {@code \\}, the quote, {@code \n}, {@code \r}, {@code \t} escaped, other
 *       characters that are not printable as {@code \xhh} or Python's 4- and 8-digit
 *       u-escapes (non-ASCII printable ones stay as they are);
 *   <li>{@code None}, {@code True}, {@code False}, ints, floats as {@link PyFloats#repr};
 *   <li>{@code {'k': v, ...}} and {@code [a, b]}, items separated by {@code ", "}.
 * </ul>
 */
final class PyRepr {

    private PyRepr() {}

    /**
     * @throws PyCallException for a value that is none of these (a namespace, say)
     */
    static String of(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof CharSequence text) {
            return string(text.toString());
        }
        if (value instanceof Map<?, ?> map) {
            StringJoiner out = new StringJoiner(", ", "{", "}");
            map.forEach((k, v) -> out.add(of(k) + ": " + of(v)));
            return out.toString();
        }
        if (value instanceof Collection<?> items) {
            StringJoiner out = new StringJoiner(", ", "[", "]");
            items.forEach(item -> out.add(of(item)));
            return out.toString();
        }
        if (value instanceof Boolean || value instanceof Number) {
            return PyValues.str(value);
        }
        throw new PyCallException("printing a " + PyValues.typeName(value) + " is not supported");
    }

    static String string(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            int cp = s.codePointAt(i);
            if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (printable(cp)) {
                out.appendCodePoint(cp);
            } else if (cp < 0x100) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append(String.format("\\U%08x", cp));
            }
        }
        return out.append(quote).toString();
    }

    /** Python's {@code str.isprintable()} for one character: no control, format or separator. */
    private static boolean printable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE,
                    Character.PRIVATE_USE, Character.UNASSIGNED, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
