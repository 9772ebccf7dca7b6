package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.el.ext.AstRangeBracket;
import java.util.ArrayList;
import java.util.List;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

/**
 * Python's {@code x[start:stop:step]} on strings (by code points; Jinjava cuts UTF-16 units,
 * splitting emoji) and lists, each part optional ({@code none} as omitted), with
 * {@code slice.indices}' bounds: for a step s > 0 an omitted start is 0 and an omitted stop the
 * length; for s < 0 they are the last item and "before the first", so {@code x[::-1]} is
 * reversed; negative indices count from the end; out-of-range ones are clamped. Jinjava reads no
 * step and fails on a start before the beginning.
 */
final class PySlice extends AstRangeBracket {

    private final AstNode step;

    PySlice(AstNode base, AstNode start, AstNode stop, AstNode step, boolean lvalue,
            boolean strict, boolean ignoreReturnType) {
        super(base, start, stop, lvalue, strict, ignoreReturnType);
        this.step = step;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object base = prefix.eval(bindings, context);
        if (base instanceof String s) {
            int[] codePoints = s.codePoints().toArray();
            StringBuilder out = new StringBuilder();
            for (int i : indices(codePoints.length, bindings, context)) {
                out.appendCodePoint(codePoints[i]);
            }
            return out.toString();
        }
        if (base instanceof List<?> items) {
            List<Object> out = new ArrayList<>();
            for (int i : indices(items.size(), bindings, context)) {
                out.add(items.get(i));
            }
            return out;
        }
        throw new PyCallException("'" + PyValues.typeName(base) + "' object is not subscriptable");
    }

    /** The positions the slice visits, in order, as Python's {@code range(*s.indices(n))}. */
    private List<Integer> indices(int length, Bindings bindings, ELContext context) {
        Long stepValue = index(step, bindings, context);
        long by = stepValue == null ? 1 : stepValue;
        if (by == 0) {
            throw new PyCallException("slice step cannot be zero");
        }
        long lower = by > 0 ? 0 : -1;
        long upper = by > 0 ? length : length - 1;
        long from = clamp(index(property, bindings, context), by > 0 ? lower : upper, lower,
                upper, length);
        long to = clamp(index(rangeMax, bindings, context), by > 0 ? upper : lower, lower,
                upper, length);
        List<Integer> out = new ArrayList<>();
        for (long i = from; by > 0 ? i < to : i > to; i += by) {
            out.add((int) i);
        }
        return out;
    }

    private static long clamp(Long value, long omitted, long lower, long upper, int length) {
        if (value == null) {
            return omitted;
        }
        long index = value < 0 ? value + length : value;
        return Math.max(lower, Math.min(upper, index));
    }

    private static Long index(AstNode node, Bindings bindings, ELContext context) {
        Object value = node == null ? null : node.eval(bindings, context);
        if (value == null) {
            return null;
        }
        if (!PyValues.isInteger(value)) {
            throw new PyCallException("slice indices must be integers or None, not "
                    + PyValues.typeName(value));
        }
        return ((Number) value).longValue();
    }
}
