package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A Jinja filter written from its Python definition, replacing Jinjava's filter of the same
 * name where that one differs. Arguments are bound to the Python parameter names after the
 * value, so {@code x|tojson(indent=2)} and {@code x|tojson(2)} both work.
 *
 * @param name     the filter's name
 * @param required how many of {@code params} must be given
 * @param params   the Python parameters after the value
 * @param body     (value, arguments) → result
 */
record PyFilter(String name, int required, List<String> params,
        BiFunction<Object, PyArgs, Object> body) implements AdvancedFilter {

    static PyFilter of(String name, int required, List<String> params,
            BiFunction<Object, PyArgs, Object> body) {
        return new PyFilter(name, required, List.copyOf(params), body);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args,
            Map<String, Object> kwargs) {
        PyArgs bound = PyArgs.bind(name, Arrays.asList(args), kwargs, required,
                params.toArray(String[]::new));
        return RenderBudget.checkString(body.apply(var, bound));
    }
}
