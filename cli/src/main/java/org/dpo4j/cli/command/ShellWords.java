package org.dpo4j.cli.command;

import java.util.List;
import java.util.stream.Collectors;

/** Command lines to show the user, quoted so that a POSIX shell reads every word back as it was. */
public final class ShellWords {

    private ShellWords() {}

    /** {@code word} as a POSIX shell reads it back: as is when plain, else in single quotes. */
    public static String word(String word) {
        return !word.isEmpty() && word.matches("[A-Za-z0-9_./:=,@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** The words, each quoted as needed, separated by spaces. */
    static String join(List<String> words) {
        return words.stream().map(ShellWords::word).collect(Collectors.joining(" "));
    }
}
