package org.dpo4j.trainer.data.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * How template values print, as Python's {@code str()}: what {@code {{ x }}} and {@code |string}
 * write. Values a chat template prints are strings, numbers and booleans; printing a list or a
 * dict (Python's repr) is refused rather than imitated, and templates print those with
 * {@code |tojson} anyway.
 *
 * <p>One difference is kept on purpose: Jinjava does not tell an undefined value from
 * {@code none}, and both print as the empty string, which is what Jinja prints for undefined
 * (the common case: {@code {{ message.name }}} on a message without one). Jinja prints
 * {@code None} for a real {@code none}.
 */
final class PyValues {

    private PyValues() {}

    /**
     * {@code str(value)}.
     *
     * @throws PyCallException for lists, dicts and other objects
     */
    static String str(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (isInteger(value)) {
            return value.toString();
        }
        if (value instanceof Number number) {
            return PyFloats.repr(number.doubleValue());
        }
        throw new PyCallException("printing a " + typeName(value)
                + " (Python's repr) is not supported; print it with |tojson");
    }

    /** Python's integer types map to these: Jinjava reads {@code 3} as a {@code Long}. */
    static boolean isInteger(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger;
    }

    /** Floats: Jinjava's {@code Double} (and {@code BigDecimal} from some filters). */
    static boolean isFloat(Object value) {
        return value instanceof Double || value instanceof Float || value instanceof BigDecimal;
    }

    /** The Python type name of a template value, for error messages. */
    static String typeName(Object value) {
        if (value == null) {
            return "NoneType";
        }
        if (value instanceof CharSequence) {
            return "str";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (isInteger(value)) {
            return "int";
        }
        if (isFloat(value)) {
            return "float";
        }
        if (value instanceof Map) {
            return "dict";
        }
        if (value instanceof Collection) {
            return "list";
        }
        return value.getClass().getSimpleName();
    }
}
