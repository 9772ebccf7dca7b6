package org.dpo4j.trainer.data.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * How template values print, as Python's {@code str()}: what {@code {{ x }}} and {@code |string}
 * write. Values a chat template prints are strings, numbers and booleans; a list or a dict
 * prints as Python's repr ({@link PyRepr}).
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
     * @throws PyCallException for objects that are none of Python's values
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
        return PyRepr.of(value);
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
