package org.dpo4j.trainer.data.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Python 3 {@code str} methods with CPython's semantics, for chat templates that call them on
 * strings. Java's same-named methods differ ({@code String.strip} knows fewer whitespace
 * characters than {@code str.strip}, {@code String.split} takes a regex and drops trailing empty
 * parts), so every method here is written from Python's definition.
 *
 * <p>Indices ({@code start}, {@code end}, {@code find}'s result) count code points, as Python
 * does, not UTF-16 units.
 */
final class PyStrings {

    private PyStrings() {}

    /**
     * {@code str.isspace()} for one code point: CPython's whitespace table (bidirectional type
     * WS, B or S, or category Zs). Wider than {@link Character#isWhitespace}, which leaves out
     * U+0085, U+00A0, U+2007 and U+202F.
     */
    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85
                || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** {@code s.strip(chars)}; {@code chars == null} strips whitespace. */
    static String strip(String s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    /** {@code s.lstrip(chars)}; {@code chars == null} strips whitespace. */
    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!stripped(cp, chars)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    /** {@code s.rstrip(chars)}; {@code chars == null} strips whitespace. */
    static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!stripped(cp, chars)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.codePoints().anyMatch(c -> c == cp);
    }

    /**
     * {@code s.startswith(prefix, start, end)}: {@code prefixes} holds one prefix or the members
     * of a tuple; {@code start}/{@code end} are Python slice bounds, {@code null} when omitted.
     */
    static boolean startsWith(String s, List<String> prefixes, Integer start, Integer end) {
        Slice slice = Slice.of(s, start, end);
        if (slice == null) {
            return false;
        }
        return prefixes.stream().anyMatch(slice.text()::startsWith);
    }

    /** {@code s.endswith(suffix, start, end)}, as {@link #startsWith}. */
    static boolean endsWith(String s, List<String> suffixes, Integer start, Integer end) {
        Slice slice = Slice.of(s, start, end);
        if (slice == null) {
            return false;
        }
        return suffixes.stream().anyMatch(slice.text()::endsWith);
    }

    /**
     * {@code s.split(sep, maxsplit)}: {@code sep == null} splits on runs of whitespace and drops
     * empty parts; otherwise on each occurrence of {@code sep}, keeping empty parts. A negative
     * {@code maxsplit} means no limit.
     *
     * @throws PyCallException for an empty separator (Python's {@code ValueError})
     */
    static List<String> split(String s, String sep, int maxsplit) {
        if (sep == null) {
            return splitWhitespace(s, maxsplit);
        }
        requireSeparator(sep);
        List<String> parts = new ArrayList<>();
        int from = 0;
        int at;
        while ((maxsplit < 0 || parts.size() < maxsplit) && (at = s.indexOf(sep, from)) >= 0) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** {@code s.rsplit(sep, maxsplit)}: as {@link #split}, counting splits from the right. */
    static List<String> rsplit(String s, String sep, int maxsplit) {
        if (sep == null) {
            if (maxsplit < 0) {
                return splitWhitespace(s, -1);
            }
            List<String> reversed = splitWhitespace(reverse(s), maxsplit);
            List<String> parts = new ArrayList<>(reversed.size());
            for (int i = reversed.size() - 1; i >= 0; i--) {
                parts.add(reverse(reversed.get(i)));
            }
            return parts;
        }
        requireSeparator(sep);
        List<String> parts = new ArrayList<>();
        int end = s.length();
        int at;
        while ((maxsplit < 0 || parts.size() < maxsplit)
                && (at = s.lastIndexOf(sep, end - sep.length())) >= 0) {
            parts.add(s.substring(at + sep.length(), end));
            end = at;
        }
        parts.add(s.substring(0, end));
        Collections.reverse(parts);
        return parts;
    }

    private static List<String> splitWhitespace(String s, int maxsplit) {
        List<String> parts = new ArrayList<>();
        int i = skipSpace(s, 0);
        while (i < s.length()) {
            if (maxsplit >= 0 && parts.size() == maxsplit) {
                // Python keeps the rest as is, trailing whitespace included.
                parts.add(s.substring(i));
                return parts;
            }
            int j = i;
            while (j < s.length() && !isSpace(s.codePointAt(j))) {
                j += Character.charCount(s.codePointAt(j));
            }
            parts.add(s.substring(i, j));
            i = skipSpace(s, j);
        }
        return parts;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && isSpace(s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
        }
        return i;
    }

    private static String reverse(String s) {
        return new StringBuilder(s).reverse().toString();
    }

    private static void requireSeparator(String sep) {
        if (sep.isEmpty()) {
            throw new PyCallException("empty separator");
        }
    }

    /** {@code s.replace(old, new, count)}; a negative count replaces all. */
    static String replace(String s, String old, String replacement, int count) {
        if (count < 0) {
            // Java's literal replace matches Python's, including the empty-pattern case.
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        int done = 0;
        if (old.isEmpty()) {
            // Python inserts before each code point and at the end, up to count times.
            int i = 0;
            while (done < count && i <= s.length()) {
                out.append(replacement);
                done++;
                if (i == s.length()) {
                    return out.toString();
                }
                int next = i + Character.charCount(s.codePointAt(i));
                out.append(s, i, next);
                i = next;
            }
            return out.append(s, i, s.length()).toString();
        }
        int at;
        while (done < count && (at = s.indexOf(old, from)) >= 0) {
            out.append(s, from, at).append(replacement);
            from = at + old.length();
            done++;
        }
        return out.append(s, from, s.length()).toString();
    }

    /** {@code s.find(sub, start, end)}: the code-point index of the first match, or -1. */
    static int find(String s, String sub, Integer start, Integer end) {
        Slice slice = Slice.of(s, start, end);
        if (slice == null) {
            return -1;
        }
        int at = slice.text().indexOf(sub);
        return at < 0 ? -1 : slice.start() + slice.text().codePointCount(0, at);
    }

    /** {@code s.rfind(sub, start, end)}: the code-point index of the last match, or -1. */
    static int rfind(String s, String sub, Integer start, Integer end) {
        Slice slice = Slice.of(s, start, end);
        if (slice == null) {
            return -1;
        }
        int at = slice.text().lastIndexOf(sub);
        return at < 0 ? -1 : slice.start() + slice.text().codePointCount(0, at);
    }

    /** {@code s.count(sub, start, end)}: non-overlapping occurrences. */
    static int count(String s, String sub, Integer start, Integer end) {
        Slice slice = Slice.of(s, start, end);
        if (slice == null) {
            return 0;
        }
        String text = slice.text();
        if (sub.isEmpty()) {
            return text.codePointCount(0, text.length()) + 1;
        }
        int n = 0;
        for (int at = text.indexOf(sub); at >= 0; at = text.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    /** {@code s.upper()}: full case mapping (ß becomes SS), as Python. */
    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    /** {@code s.lower()}: full case mapping, final sigma included, as Python. */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * {@code s.capitalize()} (Python 3.8+): the first code point title-cased, the rest
     * lower-cased.
     *
     * @throws PyCallException when the first code point has a multi-character
     *     title case (ß, ligatures), which Java does not expose
     */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return titleCase(first) + lower(s.substring(Character.charCount(first)));
    }

    /**
     * {@code s.title()}: a cased code point after an uncased one is title-cased, one after a
     * cased one lower-cased.
     *
     * @throws PyCallException as {@link #capitalize}
     */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            String one = new String(Character.toChars(cp));
            out.append(previousCased ? lower(one) : titleCase(cp));
            previousCased = isCased(cp);
        }
        return out.toString();
    }

    /** Python's "cased": has an upper, lower or title case form (categories Lu, Ll, Lt). */
    private static boolean isCased(int cp) {
        return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
    }

    private static String titleCase(int cp) {
        String upper = new String(Character.toChars(cp)).toUpperCase(Locale.ROOT);
        if (upper.codePointCount(0, upper.length()) > 1) {
            // Full title-case mappings (ß → Ss, ﬁ → Fi) are not in the JDK; refuse rather
            // than guess.
            throw new PyCallException(String.format(
                    "title case of U+%04X (multi-character mapping) is not supported", cp));
        }
        return new String(Character.toChars(Character.toTitleCase(cp)));
    }

    /** {@code sep.join(parts)}: every part must be a string, as in Python. */
    static String join(String sep, Iterable<?> parts) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (Object part : parts) {
            if (!(part instanceof String text)) {
                throw new PyCallException("sequence item " + i + ": expected str instance, "
                        + PyValues.typeName(part) + " found");
            }
            if (i++ > 0) {
                out.append(sep);
            }
            out.append(text);
        }
        return out.toString();
    }

    /**
     * {@code s[start:end]} by code points, with CPython's index rules for these methods
     * ({@code ADJUST_INDICES}): a negative bound counts from the end (floored at 0), {@code end}
     * is capped at the length, {@code start} is not. {@code null} when {@code start > end}: then
     * {@code startswith}, {@code find} and {@code count} answer "no match" for any argument,
     * the empty string included.
     */
    private record Slice(String text, int start) {
        static Slice of(String s, Integer start, Integer end) {
            if (start == null && end == null) {
                return new Slice(s, 0);
            }
            int length = s.codePointCount(0, s.length());
            int from = start == null ? 0 : fromEnd(start, length);
            int to = end == null ? length : Math.min(fromEnd(end, length), length);
            if (from > to) {
                return null;
            }
            int begin = s.offsetByCodePoints(0, from);
            return new Slice(s.substring(begin, s.offsetByCodePoints(begin, to - from)), from);
        }

        private static int fromEnd(int index, int length) {
            return index < 0 ? Math.max(0, index + length) : index;
        }
    }
}
