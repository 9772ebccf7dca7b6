package org.dpo4j.cli.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The closest valid name to a mistyped one, for "did you mean" hints. Names are compared after
 * folding case, {@code -} to {@code _} and camelCase to snake_case, by optimal-string-alignment
 * distance (insertions, deletions, substitutions and swaps of neighbours cost 1). A candidate is
 * close when the distance is at most a third of its length (at least 1, at most 3), or when one
 * name is a prefix of the other and the shorter has at least 3 characters
 * ({@code optimizer} → {@code optim}).
 */
public final class DidYouMean {

    private DidYouMean() {}

    /** The closest candidate, the first of equals in {@code candidates}' order; empty when none is close. */
    public static Optional<String> closest(String wrong, Collection<String> candidates) {
        String w = fold(wrong);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String c = fold(candidate);
            if (c.equals(w) && !candidate.equals(wrong)) {
                return Optional.of(candidate);
            }
            int d = distance(w, c);
            boolean close = d <= Math.max(1, Math.min(3, c.length() / 3)) || prefixes(w, c);
            if (close && d < bestDistance && !candidate.equals(wrong)) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean prefixes(String a, String b) {
        String shorter = a.length() <= b.length() ? a : b;
        String longer = shorter == a ? b : a;
        return shorter.length() >= 3 && longer.startsWith(shorter);
    }

    static String fold(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
