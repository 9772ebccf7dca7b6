package org.dpo4j.trainer.data.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.IntPredicate;

/**
 * The tests whose Jinjava versions differ from Jinja's, each as Python defines it:
 *
 * <ul>
 *   <li>{@code string}, {@code mapping}, {@code boolean}; {@code number} (booleans count, they
 *       are ints in Python); {@code integer} (booleans do not); {@code float};
 *   <li>{@code sequence} and {@code iterable}: strings, lists and dicts (Jinjava: lists only);
 *   <li>{@code lower}, {@code upper}: {@code str.islower()}, {@code str.isupper()}: at least one
 *       cased character and none of the other case;
 *   <li>{@code eq equalto == ne != lt lessthan < le <= gt greaterthan > ge >=}: Python
 *       comparison ({@link PyCompare}); {@code in}: substring, dict key or list member;
 *   <li>{@code truthy} (Jinjava's, used by its {@code select} filters): Python's truth value.
 * </ul>
 *
 * Undefined and {@code none} are one value in Jinjava; here it is neither a sequence nor
 * iterable, as {@code none} is in Python.
 */
final class PyTests {

    private PyTests() {}

    static List<PyTest> all() {
        List<PyTest> tests = new ArrayList<>(List.of(
                PyTest.of("string", v -> v instanceof CharSequence),
                PyTest.of("mapping", v -> v instanceof Map),
                PyTest.of("boolean", v -> v instanceof Boolean),
                PyTest.of("number", v -> v instanceof Number || v instanceof Boolean),
                PyTest.of("integer", PyValues::isInteger),
                PyTest.of("float", PyValues::isFloat),
                PyTest.of("sequence", PyTests::isContainer),
                PyTest.of("iterable", PyTests::isContainer),
                PyTest.of("lower", v -> isCase(PyValues.str(v), true)),
                PyTest.of("upper", v -> isCase(PyValues.str(v), false)),
                PyTest.of("truthy", PyTruth::of),
                PyTest.of("in", (BiPredicate<Object, Object>) PyTests::contains)));
        BiPredicate<Object, Object> equal = PyCompare::equal;
        for (String name : List.of("eq", "equalto", "==")) {
            tests.add(PyTest.of(name, equal));
        }
        for (String name : List.of("ne", "!=")) {
            tests.add(PyTest.of(name, equal.negate()));
        }
        addOrdering(tests, "<", sign -> sign < 0, "lt", "lessthan", "<");
        addOrdering(tests, "<=", sign -> sign <= 0, "le", "<=");
        addOrdering(tests, ">", sign -> sign > 0, "gt", "greaterthan", ">");
        addOrdering(tests, ">=", sign -> sign >= 0, "ge", ">=");
        return tests;
    }

    private static void addOrdering(List<PyTest> tests, String symbol, IntPredicate sign,
            String... names) {
        for (String name : names) {
            tests.add(PyTest.of(name, (BiPredicate<Object, Object>) (a, b) -> {
                Integer order = PyCompare.order(a, b, symbol);
                return order != null && sign.test(order);
            }));
        }
    }

    private static boolean isContainer(Object value) {
        return value instanceof CharSequence || value instanceof Iterable || value instanceof Map;
    }

    /** Python's {@code value in container}. */
    static boolean contains(Object value, Object container) {
        if (container instanceof CharSequence text) {
            if (!(value instanceof CharSequence part)) {
                throw new PyCallException("'in <string>' requires string as left operand, not "
                        + PyValues.typeName(value));
            }
            return text.toString().contains(part);
        }
        if (container instanceof Map<?, ?> map) {
            return map.containsKey(value);
        }
        if (container instanceof Collection<?> items) {
            return items.stream().anyMatch(item -> PyCompare.equal(value, item));
        }
        throw new PyCallException("argument of type '" + PyValues.typeName(container)
                + "' is not iterable");
    }

    /** {@code islower()} ({@code lower == true}) or {@code isupper()}. */
    static boolean isCase(String s, boolean lower) {
        boolean cased = false;
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            int cp = s.codePointAt(i);
            boolean other = lower ? Character.isUpperCase(cp) : Character.isLowerCase(cp);
            if (other || Character.isTitleCase(cp)) {
                return false;
            }
            cased |= lower ? Character.isLowerCase(cp) : Character.isUpperCase(cp);
        }
        return cased;
    }
}
