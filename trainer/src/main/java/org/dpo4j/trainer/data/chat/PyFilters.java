package org.dpo4j.trainer.data.chat;

import java.util.List;

/**
 * The filters whose Jinjava versions differ from Jinja's (as transformers configures it), each
 * redone from the Python definition:
 *
 * <ul>
 *   <li>{@code trim(chars=None)}: {@code str.strip}, Python's whitespace (Jinjava: Java's
 *       {@code trim}, which strips control characters and keeps U+00A0);
 *   <li>{@code tojson(ensure_ascii=False, indent=None, separators=None, sort_keys=False)}:
 *       transformers' {@code json.dumps} filter, see {@link PyJson};
 *   <li>{@code string}, {@code upper}, {@code lower}, {@code capitalize}: {@code str()} and the
 *       {@code str} methods (Jinjava: default locale, {@code true} for True, capitalize leaves
 *       the rest);
 *   <li>{@code title}: Jinja's own rule, words start after whitespace or one of {@code -({[<};
 *   <li>{@code length}, {@code count}: code points for strings, as {@code len};
 *   <li>{@code join(d='', attribute=None)}: items as {@code str()};
 *   <li>{@code replace(old, new, count=None)}: {@code str.replace};
 *   <li>{@code first}, {@code last}, {@code list}, {@code reverse}: strings as characters,
 *       dicts as keys (Jinjava: a string is one item, characters are Java chars, reverse gives
 *       a Java array);
 *   <li>{@code items}: a dict's (key, value) pairs, in order; nothing for undefined (Jinja 3.1);
 *   <li>{@code default(default_value='', boolean=False)}, {@code d}: the value itself when
 *       defined (or truthy), else the default unchanged (Jinjava: turned into a string);
 *   <li>{@code int(default=0, base=10)}, {@code float(default=0.0)}: see {@link PyNumbers}
 *       (bases other than 10 are refused);
 *   <li>{@code sum(attribute=None, start=0)}: integers stay integers (Jinjava: always a float);
 *       a float among the items fails, since Python's float sum depends on its version (3.12
 *       compensates rounding).
 * </ul>
 */
final class PyFilters {

    private PyFilters() {}

    static List<PyFilter> all() {
        return List.of(
                PyFilter.of("trim", 0, List.of("chars"), (value, args) ->
                        PyStrings.strip(PyValues.str(value), args.string("chars"))),
                PyFilter.of("tojson", 0,
                        List.of("ensure_ascii", "indent", "separators", "sort_keys"),
                        (value, args) -> PyJson.of(args.value("indent"), args.value("separators"),
                                        PyTruth.of(args.value("sort_keys")),
                                        PyTruth.of(args.value("ensure_ascii")))
                                .dumps(value)),
                PyFilter.of("string", 0, List.of(), (value, args) -> PyValues.str(value)),
                PyFilter.of("upper", 0, List.of(),
                        (value, args) -> PyStrings.upper(PyValues.str(value))),
                PyFilter.of("lower", 0, List.of(),
                        (value, args) -> PyStrings.lower(PyValues.str(value))),
                PyFilter.of("capitalize", 0, List.of(),
                        (value, args) -> PyStrings.capitalize(PyValues.str(value))),
                PyFilter.of("title", 0, List.of(),
                        (value, args) -> jinjaTitle(PyValues.str(value))),
                PyFilter.of("length", 0, List.of(), (value, args) -> PySequences.length(value)),
                PyFilter.of("count", 0, List.of(), (value, args) -> PySequences.length(value)),
                PyFilter.of("join", 0, List.of("d", "attribute"),
                        (value, args) -> PySequences.join(value, args.value("d"),
                                args.value("attribute"))),
                PyFilter.of("replace", 2, List.of("old", "new", "count"),
                        (value, args) -> PyStrings.replace(PyValues.str(value),
                                PyValues.str(args.value("old")), PyValues.str(args.value("new")),
                                args.integer("count", -1))),
                defaultFilter("default"),
                defaultFilter("d"),
                PyFilter.of("first", 0, List.of(), (value, args) -> PySequences.first(value)),
                PyFilter.of("last", 0, List.of(), (value, args) -> PySequences.last(value)),
                PyFilter.of("list", 0, List.of(), (value, args) -> PySequences.list(value)),
                PyFilter.of("reverse", 0, List.of(), (value, args) -> PySequences.reverse(value)),
                PyFilter.of("items", 0, List.of(), (value, args) -> PySequences.items(value)),
                PyFilter.of("int", 0, List.of("default", "base"), (value, args) -> {
                    if (args.integer("base", 10) != 10) {
                        throw new PyCallException("int: only base 10 is supported");
                    }
                    Object fallback = args.value("default");
                    return PyNumbers.toInt(value, fallback == null ? 0L : fallback);
                }),
                PyFilter.of("float", 0, List.of("default"), (value, args) -> {
                    Double d = PyNumbers.toFloat(value);
                    Object fallback = args.value("default");
                    return d != null ? d : fallback == null ? 0.0 : fallback;
                }),
                PyFilter.of("sum", 0, List.of("attribute", "start"), (value, args) ->
                        PySequences.sum(value, args.value("attribute"), args.value("start"))));
    }

    private static PyFilter defaultFilter(String name) {
        return PyFilter.of(name, 0, List.of("default_value", "boolean"), (value, args) -> {
            boolean kept = PyTruth.of(args.value("boolean")) ? PyTruth.of(value) : value != null;
            if (kept) {
                return value;
            }
            return args.given("default_value") ? args.value("default_value") : "";
        });
    }

    /**
     * Jinja's {@code title}: split before runs of whitespace and {@code -({[<}, then each piece's
     * first character upper-cased and the rest lower-cased.
     */
    static String jinjaTitle(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            boolean delimiter = isTitleDelimiter(s.codePointAt(i));
            int j = i;
            while (j < s.length() && isTitleDelimiter(s.codePointAt(j)) == delimiter) {
                j += Character.charCount(s.codePointAt(j));
            }
            String piece = s.substring(i, j);
            int first = Character.charCount(piece.codePointAt(0));
            out.append(PyStrings.upper(piece.substring(0, first)))
                    .append(PyStrings.lower(piece.substring(first)));
            i = j;
        }
        return out.toString();
    }

    private static boolean isTitleDelimiter(int cp) {
        return PyStrings.isSpace(cp) || "-({[<".indexOf(cp) >= 0;
    }
}
