package org.dpo4j.trainer.data.chat;

import java.util.Optional;

/**
 * Splits the part of a {@code for} tag after {@code in} into the iterable and Jinja's loop
 * filter: {@code messages if m.role != 'system'} gives {@code messages} and
 * {@code m.role != 'system'}.
 *
 * <p>Exact because Jinja parses the iterable without conditional expressions
 * ({@code with_condexpr=False}): the first {@code if} outside string literals and brackets
 * always starts the filter. Only quotes, backslash escapes inside them and bracket depth are
 * tracked; the expressions themselves are left to Jinjava.
 *
 * @param iterable  the expression looped over
 * @param condition the filter's condition
 */
record LoopFilter(String iterable, String condition) {

    /** The split of {@code loopExpression}, empty when it has no filter. */
    static Optional<LoopFilter> split(String loopExpression) {
        char quote = 0;
        int depth = 0;
        for (int i = 0; i < loopExpression.length(); i++) {
            char c = loopExpression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && isKeywordAt(loopExpression, i, "if")) {
                return Optional.of(new LoopFilter(loopExpression.substring(0, i).trim(),
                        loopExpression.substring(i + 2).trim()));
            }
        }
        return Optional.empty();
    }

    private static boolean isKeywordAt(String text, int at, String word) {
        return text.startsWith(word, at)
                && (at == 0 || !isNamePart(text.charAt(at - 1)))
                && (at + word.length() == text.length()
                        || !isNamePart(text.charAt(at + word.length())));
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
