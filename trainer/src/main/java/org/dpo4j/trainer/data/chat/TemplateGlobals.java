package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The functions transformers adds to a chat template's globals:
 *
 * <ul>
 *   <li>{@code raise_exception(message)}: stops rendering with {@code message};
 *   <li>{@code strftime_now(format)}: the local time now, see {@link Strftime}. A template that
 *       calls it renders differently from day to day, so prepared data depends on the date.
 * </ul>
 *
 * and Jinja's {@code range(stop)}, {@code range(start, stop[, step])}, which replaces
 * Jinjava's (that one reads numbers out of strings and stops at 1000 items silently); its length
 * is bounded by {@code data.template_limits.max_range} ({@link RenderBudget}).
 */
final class TemplateGlobals {

    private TemplateGlobals() {}

    /**
     * The functions transformers adds, as variables too: Jinjava calls functions by name but does
     * not see them as defined, and templates ask ({@code {% if strftime_now is defined %}} in
     * Llama 3.2's). A call still goes to the function.
     */
    static Map<String, Object> definedNames() {
        return Map.of("raise_exception", new Function("raise_exception"),
                "strftime_now", new Function("strftime_now"));
    }

    /** What a function's name holds as a variable; it is only ever tested, not printed. */
    record Function(String name) {}

    static List<ELFunctionDefinition> all() {
        return List.of(
                new ELFunctionDefinition("", "raise_exception", TemplateGlobals.class,
                        "raiseException", Object.class),
                new ELFunctionDefinition("", "strftime_now", TemplateGlobals.class,
                        "strftimeNow", String.class),
                new ELFunctionDefinition("", "range", TemplateGlobals.class, "range",
                        Object.class, Object[].class));
    }

    static Object raiseException(Object message) {
        throw new TemplateRaisedException(PyValues.str(message));
    }

    /**
     * Python's {@code range} as a list of ints.
     *
     * @throws PyCallException for arguments that are not ints, or a zero step
     */
    static List<Long> range(Object first, Object... more) {
        if (more.length > 2) {
            throw new PyCallException("range expected at most 3 arguments, got " + (1 + more.length));
        }
        long start = more.length == 0 ? 0 : rangeArgument(first);
        long stop = more.length == 0 ? rangeArgument(first) : rangeArgument(more[0]);
        long step = more.length == 2 ? rangeArgument(more[1]) : 1;
        if (step == 0) {
            throw new PyCallException("range() arg 3 must not be zero");
        }
        RenderBudget.checkRange(length(start, stop, step));
        List<Long> items = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            items.add(i);
        }
        return items;
    }

    /** How many items {@code range(start, stop, step)} has: ceil((stop - start) / step), or 0. */
    static long length(long start, long stop, long step) {
        double span = step > 0 ? (double) stop - start : (double) start - stop;
        double count = Math.ceil(span / Math.abs((double) step));
        return count <= 0 ? 0 : count >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) count;
    }

    private static long rangeArgument(Object value) {
        if (!PyValues.isInteger(value)) {
            throw new PyCallException("'" + PyValues.typeName(value)
                    + "' object cannot be interpreted as an integer");
        }
        return ((Number) value).longValue();
    }

    static String strftimeNow(String format) {
        return Strftime.format(LocalDateTime.now(), format == null ? "" : format);
    }
}
