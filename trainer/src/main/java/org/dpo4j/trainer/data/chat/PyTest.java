package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * A Jinja test ({@code x is string}, {@code x is equalto 3}) written from its Python
 * definition, replacing Jinjava's where that one differs.
 *
 * @param name  the test's name
 * @param check (value, arguments) → result
 */
record PyTest(String name, BiPredicate<Object, Object[]> check) implements ExpTest {

    /** A test without arguments. */
    static PyTest of(String name, Predicate<Object> check) {
        return new PyTest(name, (value, args) -> {
            requireArguments(name, args, 0);
            return check.test(value);
        });
    }

    /** A test of the value against one argument. */
    static PyTest of(String name, BiPredicate<Object, Object> check) {
        return new PyTest(name, (value, args) -> {
            requireArguments(name, args, 1);
            return check.test(value, args[0]);
        });
    }

    private static void requireArguments(String name, Object[] args, int count) {
        if (args.length != count) {
            throw new PyCallException("test '" + name + "' takes " + count + " argument(s), got "
                    + args.length);
        }
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
        return check.test(var, args == null ? new Object[0] : args);
    }
}
