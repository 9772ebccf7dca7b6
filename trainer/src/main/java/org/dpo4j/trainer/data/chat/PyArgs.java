package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.el.ext.NamedParameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one Python-style call from a template, {@code s.split(',', maxsplit=1)},
 * bound to the parameter names of the Python signature. Jinjava hands keyword arguments over as
 * {@link NamedParameter}s among the positional ones.
 */
final class PyArgs {

    private final String function;
    private final List<String> names;
    private final Object[] values;
    private final boolean[] given;

    private PyArgs(String function, List<String> names, Object[] values, boolean[] given) {
        this.function = function;
        this.names = names;
        this.values = values;
        this.given = given;
    }

    /**
     * Binds the arguments of a method call, keyword arguments among {@code params}, to
     * {@code names}, the first {@code required} of which must be given.
     *
     * @param function for messages, e.g. {@code str.split}
     * @throws PyCallException for too many, unknown, repeated or missing arguments
     */
    static PyArgs bind(String function, Object[] params, int required, String... names) {
        List<Object> positional = new ArrayList<>();
        Map<String, Object> keywords = new LinkedHashMap<>();
        for (Object param : params == null ? new Object[0] : params) {
            if (param instanceof NamedParameter named) {
                keywords.put(named.getName(), named.getValue());
            } else {
                positional.add(param);
            }
        }
        return bind(function, positional, keywords, required, names);
    }

    /** As {@link #bind(String, Object[], int, String...)}, for a filter's split arguments. */
    static PyArgs bind(String function, List<Object> positional, Map<String, Object> keywords,
            int required, String... names) {
        List<String> parameterNames = List.of(names);
        Object[] values = new Object[names.length];
        boolean[] given = new boolean[names.length];
        if (positional.size() > names.length) {
            throw new PyCallException(function + "() takes at most " + names.length
                    + " arguments (" + positional.size() + " given)");
        }
        for (int i = 0; i < positional.size(); i++) {
            values[i] = positional.get(i);
            given[i] = true;
        }
        for (Map.Entry<String, Object> keyword : keywords.entrySet()) {
            int at = parameterNames.indexOf(keyword.getKey());
            if (at < 0 || given[at]) {
                throw new PyCallException(function + "() got an unexpected or repeated argument '"
                        + keyword.getKey() + "'");
            }
            values[at] = keyword.getValue();
            given[at] = true;
        }
        for (int i = 0; i < required; i++) {
            if (!given[i]) {
                throw new PyCallException(function + "() missing argument '" + names[i] + "'");
            }
        }
        return new PyArgs(function, parameterNames, values, given);
    }

    /** A {@code str} argument (or {@code None}, as {@code null}). */
    String string(String name) {
        Object value = value(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw wrongType(name, "str", value);
    }

    /** An {@code int} argument (or {@code None}, as {@code null}). */
    Integer integer(String name) {
        Object value = value(name);
        if (value == null) {
            return null;
        }
        if (PyValues.isInteger(value)) {
            long n = ((Number) value).longValue();
            // Python ints are unbounded; indices past int range behave as the nearest bound.
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n));
        }
        throw wrongType(name, "int", value);
    }

    /** An {@code int} argument, {@code fallback} when omitted or {@code None}. */
    int integer(String name, int fallback) {
        Integer value = integer(name);
        return value == null ? fallback : value;
    }

    /** A {@code str} or a tuple of them (a Jinja tuple or list), as a list. */
    List<String> stringOrTuple(String name) {
        Object value = value(name);
        if (value instanceof String text) {
            return List.of(text);
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw wrongType(name, "str or a tuple of str", value);
    }

    /** Whether the call passed the argument (a passed {@code none} counts). */
    boolean given(String name) {
        return given[names.indexOf(name)];
    }

    /** The raw value of an argument, {@code null} when omitted. */
    Object value(String name) {
        return values[names.indexOf(name)];
    }

    private PyCallException wrongType(String name, String expected, Object value) {
        return new PyCallException(function + "() argument '" + name + "' must be " + expected
                + ", not " + PyValues.typeName(value));
    }
}
