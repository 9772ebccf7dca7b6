package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.Context.Library;
import com.hubspot.jinjava.lib.Importable;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The filters, tests, functions and tags chat templates may use: Jinja's own, where Jinjava's
 * version renders as Jinja does (checked against Jinja 3.1 with transformers' settings) or is
 * replaced by a Python one ({@link PyFilters}). Everything else Jinjava offers is switched off,
 * so a template using it fails with {@code 'name' is disabled in this context} instead of
 * rendering differently from transformers: Jinjava's extras ({@code regex_replace},
 * {@code unless}), Jinja features Jinjava does its own way ({@code indent}, {@code wordwrap},
 * {@code autoescape}, {@code raw}, which trims the line break after it), and loaders a chat
 * template has none of ({@code include}).
 */
final class Allowed {

    static final Set<String> FILTERS = Set.of(
            // Python versions (PyFilters)
            "trim", "tojson", "string", "upper", "lower", "capitalize", "title", "length", "count",
            "join", "replace", "sum", "first", "last", "list", "int", "float", "reverse", "items",
            "default", "d",
            // Jinjava's, same output as Jinja's
            "abs", "map", "reject", "rejectattr", "select", "selectattr");

    static final Set<String> TESTS = Set.of(
            "defined", "undefined", "none", "boolean", "true", "false", "string", "number",
            "integer", "float", "mapping", "sequence", "iterable", "even", "odd", "divisibleby",
            "in", "lower", "upper",
            // not Jinja's, but Jinjava's select/selectattr/reject call it internally
            "truthy",
            "eq", "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt",
            "greaterthan", ">", "ge", ">=");

    /** Jinjava names functions {@code namespace:name}; Jinja's globals have none. */
    static final Set<String> FUNCTIONS = Set.of(
            ":range", ":namespace", ":raise_exception", ":strftime_now");

    static final Set<String> TAGS = Set.of(
            "if", "elif", "else", "endif", "for", "endfor", "set", "endset", "macro", "endmacro",
            "call", "endcall", "break", "continue", "generation", "endgeneration");

    private Allowed() {}

    /** For each library, Jinjava's names that are not allowed: its {@code disabled} setting. */
    static Map<Library, Set<String>> disabled() {
        Context defaults = new Jinjava().getGlobalContext();
        Map<Library, Set<String>> disabled = new EnumMap<>(Library.class);
        disabled.put(Library.FILTER, notIn(defaults.getAllFilters(), FILTERS));
        disabled.put(Library.EXP_TEST, notIn(defaults.getAllExpTests(), TESTS));
        disabled.put(Library.FUNCTION, notIn(defaults.getAllFunctions(), FUNCTIONS));
        disabled.put(Library.TAG, notIn(defaults.getAllTags(), TAGS));
        return disabled;
    }

    private static Set<String> notIn(Collection<? extends Importable> all, Set<String> allowed) {
        return all.stream().map(Importable::getName).filter(name -> !allowed.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
