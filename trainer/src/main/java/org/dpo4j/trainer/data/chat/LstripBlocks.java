package org.dpo4j.trainer.data.chat;

import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.tree.parse.NoteToken;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.tree.parse.TextToken;
import com.hubspot.jinjava.tree.parse.Token;
import com.hubspot.jinjava.tree.parse.TokenScanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Jinja's {@code lstrip_blocks}, applied to the template text before Jinjava reads it (Jinjava's
 * own option strips the spaces before every block tag, even mid-line: {@code a, {% endif %}}
 * loses its space).
 *
 * <p>Jinja's rule (its lexer): before a block tag {@code {%} or a comment {@code {#} that does
 * not start with {@code -} or {@code +}, the whitespace between the start of its line and the
 * tag is removed when nothing else stands there; the first line of the template counts as a
 * line start. {@code {%+} keeps the whitespace; the {@code +}, which Jinjava does not know, is
 * dropped. Tags are found with Jinjava's own scanner, so the text it is given has the same
 * tokens, with only that whitespace gone; line numbers are unchanged.
 */
final class LstripBlocks {

    /** Scans as written: no trimming, so the tokens' texts add up to the input. */
    private static final JinjavaConfig SCAN = JinjavaConfig.newBuilder().build();

    private LstripBlocks() {}

    static String apply(String source) {
        List<Token> tokens = new ArrayList<>();
        new TokenScanner(source, SCAN).forEachRemaining(tokens::add);
        StringBuilder out = new StringBuilder(source.length());
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            String image = token.getImage();
            boolean beforeTag = i + 1 < tokens.size() && stripsBefore(tokens.get(i + 1));
            if (token instanceof TextToken && beforeTag) {
                image = lineStartStripped(image, i == 0);
            } else if (token instanceof TagToken && image.startsWith("{%+")) {
                image = "{%" + image.substring(3);
            }
            out.append(image);
        }
        if (!out.toString().replace(" ", "").replace("\t", "").equals(
                source.replace(" ", "").replace("\t", "").replace("{%+", "{%"))) {
            // Only whitespace and '+' may go; anything else means the scan lost text.
            throw new IllegalStateException("lstrip_blocks changed more than whitespace");
        }
        return out.toString();
    }

    private static boolean stripsBefore(Token next) {
        if (!(next instanceof TagToken || next instanceof NoteToken)) {
            return false;
        }
        String image = next.getImage();
        return image.length() < 3 || (image.charAt(2) != '-' && image.charAt(2) != '+');
    }

    /** {@code text} without its last line's whitespace, when that line holds only whitespace. */
    private static String lineStartStripped(String text, boolean templateStart) {
        int lineStart = text.lastIndexOf('\n') + 1;
        if (lineStart == 0 && !templateStart) {
            return text;
        }
        for (int i = lineStart; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            if (!PyStrings.isSpace(text.codePointAt(i))) {
                return text;
            }
        }
        return text.substring(0, lineStart);
    }
}
