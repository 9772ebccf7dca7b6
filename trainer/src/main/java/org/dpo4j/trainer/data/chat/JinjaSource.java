package org.dpo4j.trainer.data.chat;

/**
 * What Jinja's lexer does to a template's text that Jinjava 2.8 does not, or not the same way:
 *
 * <ol>
 *   <li>every line break ({@code \r\n}, {@code \r}, {@code \n}) becomes {@code \n}, string
 *       literals included;
 *   <li>one final line break is dropped ({@code keep_trailing_newline=False});
 *   <li>{@code lstrip_blocks}, see {@link LstripBlocks};
 *   <li>{@code trim_blocks}, see {@link TrimBlocks}.
 * </ol>
 */
final class JinjaSource {

    private JinjaSource() {}

    static String normalize(String text) {
        String lines = text.replace("\r\n", "\n").replace('\r', '\n');
        String kept = lines.endsWith("\n") ? lines.substring(0, lines.length() - 1) : lines;
        return TrimBlocks.apply(LstripBlocks.apply(kept));
    }
}
