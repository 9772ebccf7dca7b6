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
 * Jinja's {@code trim_blocks}, applied to the template text before Jinjava reads it: the first
 * line break after a block tag {@code %}} or a comment {@code #}} is not output. Jinjava's own
 * option skips that line break without counting it, so every error after it named a line too
 * early, and it leaves the one after a comment.
 *
 * <p>The line break is moved into an empty comment, {@code {#⏎#}}: nothing is output, and the
 * scanner still counts the line. A tag that ends with {@code -%}} is left alone, since its
 * whitespace control removes the line break and what follows it, and a comment in between would
 * stop that.
 */
final class TrimBlocks {

    /** Scans as written: no trimming, so the tokens' texts add up to the input. */
    private static final JinjavaConfig SCAN = JinjavaConfig.newBuilder().build();

    /** What replaces the trimmed line break. */
    static final String LINE_BREAK_COMMENT = "{#\n#}";

    private TrimBlocks() {}

    static String apply(String source) {
        List<Token> tokens = new ArrayList<>();
        new TokenScanner(source, SCAN).forEachRemaining(tokens::add);
        StringBuilder out = new StringBuilder(source.length());
        Token previous = null;
        for (Token token : tokens) {
            String image = token.getImage();
            if (token instanceof TextToken && image.startsWith("\n") && trimsAfter(previous)) {
                image = LINE_BREAK_COMMENT + image.substring(1);
            }
            out.append(image);
            previous = token;
        }
        return out.toString();
    }

    private static boolean trimsAfter(Token previous) {
        if (!(previous instanceof TagToken || previous instanceof NoteToken)) {
            return false;
        }
        String image = previous.getImage();
        return !(image.endsWith("-%}") || image.endsWith("-#}"));
    }
}
