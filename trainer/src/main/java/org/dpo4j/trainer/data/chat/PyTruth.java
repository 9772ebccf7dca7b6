package org.dpo4j.trainer.data.chat;

import java.util.Collection;
import java.util.Map;

/**
 * Python's truth value, for {@code if}, {@code not}, {@code and}, {@code or}, {@code x if c
 * else y} and loop filters. Jinjava's own also counts the string {@code "false"} (any case) as
 * false, so a message whose content is "False" would take another branch than in transformers.
 */
final class PyTruth {

    private PyTruth() {}

    /** {@code bool(value)}: none, false, zero, empty string/list/dict are false. */
    static boolean of(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof CharSequence text) {
            return text.length() > 0;
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }
}
