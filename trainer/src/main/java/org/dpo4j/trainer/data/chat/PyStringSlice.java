package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.el.ext.AstRangeBracket;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

/**
 * {@code s[start:end]} on a string by code points with Python's bounds (negative from the end,
 * out of range clamped, {@code none} as omitted); Jinjava cuts UTF-16 units, splitting emoji,
 * and fails on a start before the beginning. Lists are left to Jinjava, which slices them as
 * Python does.
 */
final class PyStringSlice extends AstRangeBracket {

    PyStringSlice(AstNode base, AstNode start, AstNode end, boolean lvalue, boolean strict,
            boolean ignoreReturnType) {
        super(base, start, end, lvalue, strict, ignoreReturnType);
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object base = prefix.eval(bindings, context);
        if (!(base instanceof String s)) {
            return super.eval(bindings, context);
        }
        int length = s.codePointCount(0, s.length());
        int from = bound(property, bindings, context, 0, length);
        int to = bound(rangeMax, bindings, context, length, length);
        if (from >= to) {
            return "";
        }
        return s.substring(s.offsetByCodePoints(0, from), s.offsetByCodePoints(0, to));
    }

    private static int bound(AstNode node, Bindings bindings, ELContext context, int omitted,
            int length) {
        Object value = node == null ? null : node.eval(bindings, context);
        if (value == null) {
            return omitted;
        }
        if (!PyValues.isInteger(value)) {
            throw new PyCallException("slice indices must be integers or None, not "
                    + PyValues.typeName(value));
        }
        long index = ((Number) value).longValue();
        if (index < 0) {
            index += length;
        }
        return (int) Math.max(0, Math.min(length, index));
    }
}
