package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.el.ext.AdditionOperator;
import java.util.Collection;
import java.util.function.IntPredicate;
import jinjava.de.odysseus.el.misc.TypeConverter;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

/**
 * The binary operators whose Java EL meaning differs from Python's, installed by
 * {@link PyExpressionParser}:
 *
 * <ul>
 *   <li>{@code and}: the deciding operand, not a boolean ({@code 'a' and 'b'} is {@code 'b'});
 *   <li>{@code +}: strings only with strings, lists with lists (EL turns {@code 'a' + none}
 *       into {@code "anull"});
 *   <li>{@code ~}: {@code str()} of both sides ({@code True}, not {@code true});
 *   <li>{@code %}: the result takes the divisor's sign ({@code -7 % 3} is 2);
 *   <li>{@code == != < <= > >=}: {@link PyCompare}.
 * </ul>
 */
final class PyOperators {

    private PyOperators() {}

    /** {@code a and b}: {@code a} when false, else {@code b}, which is then evaluated. */
    static final AstBinary.Operator AND = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return PyTruth.of(a) ? right.eval(bindings, context) : a;
        }

        @Override
        public String toString() {
            return "and";
        }
    };

    /** {@code a ~ b}: {@code str(a) + str(b)}. */
    static final AstBinary.Operator CONCAT = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return RenderBudget.checkString(PyValues.str(left.eval(bindings, context))
                    + PyValues.str(right.eval(bindings, context)));
        }

        @Override
        public String toString() {
            return "~";
        }
    };

    /** {@code a % b} on numbers, floored as in Python. */
    static final AstBinary.Operator MOD = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return mod(left.eval(bindings, context), right.eval(bindings, context));
        }

        @Override
        public String toString() {
            return "%";
        }
    };

    /** {@code a + b} with Python's operand rules; numbers are added as Jinjava does. */
    static final AdditionOperator ADD = new AdditionOperator() {
        @Override
        protected Object apply(TypeConverter converter, Object a, Object b) {
            boolean text = a instanceof CharSequence || b instanceof CharSequence;
            boolean lists = a instanceof Collection || b instanceof Collection;
            boolean numbers = isNumber(a) && isNumber(b);
            if ((text && !(a instanceof CharSequence && b instanceof CharSequence))
                    || (lists && !(a instanceof Collection && b instanceof Collection))
                    || (!text && !lists && !numbers)) {
                throw new PyCallException("unsupported operand types for +: '"
                        + PyValues.typeName(a) + "' and '" + PyValues.typeName(b) + "'");
            }
            return RenderBudget.checkString(text ? a.toString() + b : super.apply(converter, a, b));
        }
    };

    /** A comparison: {@code sign} tests the sign of {@code a - b}. */
    static AstBinary.Operator comparison(String symbol, IntPredicate sign) {
        return new AstBinary.Operator() {
            @Override
            public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
                Object a = left.eval(bindings, context);
                Object b = right.eval(bindings, context);
                return switch (symbol) {
                    case "==" -> PyCompare.equal(a, b);
                    case "!=" -> !PyCompare.equal(a, b);
                    default -> {
                        Integer order = PyCompare.order(a, b, symbol);
                        yield order != null && sign.test(order);
                    }
                };
            }

            @Override
            public String toString() {
                return symbol;
            }
        };
    }

    private static boolean isNumber(Object value) {
        return value instanceof Number;
    }

    static Object mod(Object a, Object b) {
        if (a instanceof CharSequence) {
            throw new PyCallException("string formatting with % is not supported");
        }
        if (!isNumber(a) || !isNumber(b)) {
            throw new PyCallException("unsupported operand types for %: '" + PyValues.typeName(a)
                    + "' and '" + PyValues.typeName(b) + "'");
        }
        if (PyValues.isInteger(a) && PyValues.isInteger(b)) {
            long divisor = ((Number) b).longValue();
            if (divisor == 0) {
                throw new PyCallException("integer modulo by zero");
            }
            return Math.floorMod(((Number) a).longValue(), divisor);
        }
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        if (y == 0) {
            throw new PyCallException("float modulo");
        }
        // CPython's float_rem: C fmod, then moved into the divisor's sign; zero keeps that sign.
        double m = x % y;
        if (m != 0) {
            if ((y < 0) != (m < 0)) {
                m += y;
            }
        } else {
            m = Math.copySign(0.0, y);
        }
        return m;
    }
}
