package org.dpo4j.trainer.data.chat;

import java.util.List;
import jinjava.javax.el.ELContext;

/**
 * Gives template strings Python's {@code str} methods and indexing, ahead of Jinjava's bean
 * resolver, which would call Java's {@code String} methods instead: {@code strip} and
 * {@code split} exist there with other meanings, {@code startswith} does not exist.
 *
 * <p>Methods: {@code strip lstrip rstrip startswith endswith split rsplit replace find rfind
 * index rindex count upper lower capitalize title join removeprefix removesuffix}, with
 * Python's arguments (see {@link PyStrings}). Any other method called on a string fails naming
 * it, Java's included, since a template written for Python never means them. Indexing
 * {@code s[i]} counts code points and accepts negative indices; out of range is undefined, as
 * in Jinja's sandbox.
 */
final class PyStringResolver extends ValueOnlyResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes,
            Object[] params) {
        if (!(base instanceof String s) || method == null) {
            return null;
        }
        context.setPropertyResolved(true);
        return RenderBudget.checkString(call(s, method.toString(), params));
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        // Jinjava hands the index over as text ("-1"); Java's own lookup ignores negatives.
        if (!(base instanceof String s) || property == null
                || !property.toString().matches("-?[0-9]{1,9}")) {
            return null;
        }
        context.setPropertyResolved(true);
        long index = Long.parseLong(property.toString());
        int length = s.codePointCount(0, s.length());
        if (index < 0) {
            index += length;
        }
        if (index < 0 || index >= length) {
            return null;
        }
        int at = s.offsetByCodePoints(0, (int) index);
        return new String(Character.toChars(s.codePointAt(at)));
    }

    private static Object call(String s, String method, Object[] params) {
        String name = "str." + method;
        switch (method) {
            case "strip", "lstrip", "rstrip" -> {
                String chars = PyArgs.bind(name, params, 0, "chars").string("chars");
                return method.equals("strip") ? PyStrings.strip(s, chars)
                        : method.equals("lstrip") ? PyStrings.lstrip(s, chars)
                        : PyStrings.rstrip(s, chars);
            }
            case "startswith", "endswith" -> {
                PyArgs args = PyArgs.bind(name, params, 1, "prefix", "start", "end");
                List<String> affixes = args.stringOrTuple("prefix");
                Integer start = args.integer("start");
                Integer end = args.integer("end");
                return method.equals("startswith") ? PyStrings.startsWith(s, affixes, start, end)
                        : PyStrings.endsWith(s, affixes, start, end);
            }
            case "split", "rsplit" -> {
                PyArgs args = PyArgs.bind(name, params, 0, "sep", "maxsplit");
                String sep = args.string("sep");
                int maxsplit = args.integer("maxsplit", -1);
                return method.equals("split") ? PyStrings.split(s, sep, maxsplit)
                        : PyStrings.rsplit(s, sep, maxsplit);
            }
            case "replace" -> {
                PyArgs args = PyArgs.bind(name, params, 2, "old", "new", "count");
                return PyStrings.replace(s, nonNull(args, "old"), nonNull(args, "new"),
                        args.integer("count", -1));
            }
            case "find", "rfind", "index", "rindex", "count" -> {
                return search(s, method, PyArgs.bind(name, params, 1, "sub", "start", "end"));
            }
            case "upper", "lower", "capitalize", "title" -> {
                PyArgs.bind(name, params, 0);
                return switch (method) {
                    case "upper" -> PyStrings.upper(s);
                    case "lower" -> PyStrings.lower(s);
                    case "capitalize" -> PyStrings.capitalize(s);
                    default -> PyStrings.title(s);
                };
            }
            case "join" -> {
                Object parts = PyArgs.bind(name, params, 1, "iterable").value("iterable");
                if (parts instanceof String text) {
                    // Python iterates a string by characters.
                    return PyStrings.join(s, text.codePoints()
                            .mapToObj(cp -> new String(Character.toChars(cp))).toList());
                }
                if (!(parts instanceof Iterable<?> iterable)) {
                    throw new PyCallException(name + "() can only join an iterable, not "
                            + PyValues.typeName(parts));
                }
                return PyStrings.join(s, iterable);
            }
            case "removeprefix", "removesuffix" -> {
                String affix = nonNull(PyArgs.bind(name, params, 1, "affix"), "affix");
                if (method.equals("removeprefix")) {
                    return s.startsWith(affix) ? s.substring(affix.length()) : s;
                }
                return s.endsWith(affix) ? s.substring(0, s.length() - affix.length()) : s;
            }
            default -> throw new PyCallException(name + "() is not supported in chat templates");
        }
    }

    private static Object search(String s, String method, PyArgs args) {
        String sub = nonNull(args, "sub");
        Integer start = args.integer("start");
        Integer end = args.integer("end");
        if (method.equals("count")) {
            return PyStrings.count(s, sub, start, end);
        }
        boolean last = method.startsWith("r");
        int at = last ? PyStrings.rfind(s, sub, start, end) : PyStrings.find(s, sub, start, end);
        if (at < 0 && method.endsWith("index")) {
            throw new PyCallException("substring not found");
        }
        return at;
    }

    private static String nonNull(PyArgs args, String name) {
        String value = args.string(name);
        if (value == null) {
            throw new PyCallException("argument '" + name + "' must be str, not NoneType");
        }
        return value;
    }
}
