package org.dpo4j.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.dpo4j.cli.config.ConfigOverride;

/**
 * Directory names of a sweep's runs, made from each run's own overrides (its grid point or
 * {@code runs} entry): {@code loss.divergence=js, loss.beta=0.05} is {@code divergence-js_beta-0.05}.
 *
 * <ul>
 *   <li>a key is shortened to its last segment, unless two keys of the sweep share that segment
 *       ({@code loss.alpha} and {@code schedule.alpha}): then both keep their whole path;
 *   <li>a value is its YAML text; list items are joined with {@code ,} and mapping entries
 *       written {@code key=value};
 *   <li>characters other than letters, digits and {@code . , + = -} become {@code ~}, so a name is
 *       one safe path segment on every file system; a run without overrides is {@code base};
 *   <li>a name longer than {@value #MAX_LENGTH} characters, or one that two different runs would
 *       share after this cleaning, ends in {@code -} and 8 hex digits of the SHA-256 of the
 *       run's overrides.
 * </ul>
 *
 * A name depends only on the run's overrides and on the sweep's set of keys, never on the order
 * of runs, so that running the sweep again finds the runs that finished.
 */
public final class RunNames {

    static final int MAX_LENGTH = 96;
    static final String BASE = "base";

    private RunNames() {}

    /**
     * @param runs the overrides of each run, in sweep order; identical lists must not occur
     * @return one name per run, unique
     */
    static List<String> assign(List<List<ConfigOverride>> runs) {
        Map<String, Set<String>> pathsByLast = new HashMap<>();
        for (List<ConfigOverride> run : runs) {
            for (ConfigOverride o : run) {
                pathsByLast.computeIfAbsent(last(o), k -> new HashSet<>()).add(o.path());
            }
        }
        List<String> names = new ArrayList<>();
        for (List<ConfigOverride> run : runs) {
            String name = run.stream()
                    .map(o -> (pathsByLast.get(last(o)).size() > 1 ? o.path() : last(o)) + "-" + text(o.value()))
                    .collect(Collectors.joining("_"));
            name = clean(name.isEmpty() ? BASE : name);
            names.add(name.length() > MAX_LENGTH ? name.substring(0, MAX_LENGTH - 9) + "-" + hash(run) : name);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        names.forEach(n -> counts.merge(n, 1, Integer::sum));
        for (int i = 0; i < names.size(); i++) {
            if (counts.get(names.get(i)) > 1) {
                names.set(i, names.get(i) + "-" + hash(runs.get(i)));
            }
        }
        return names;
    }

    /** The canonical text of a run's overrides, {@code key=value} joined by spaces. */
    static String canonical(List<ConfigOverride> run) {
        return run.stream().map(o -> o.path() + "=" + o.value().toString()).collect(Collectors.joining(" "));
    }

    private static String last(ConfigOverride o) {
        return o.keys().get(o.keys().size() - 1);
    }

    static String text(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(text(v)));
            return String.join(",", items);
        }
        if (value.isObject()) {
            List<String> items = new ArrayList<>();
            value.properties().forEach(e -> items.add(e.getKey() + "=" + text(e.getValue())));
            return String.join(",", items);
        }
        return value.isNull() ? "null" : value.asText();
    }

    static String clean(String name) {
        StringBuilder s = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            boolean safe = c < 128 && (Character.isLetterOrDigit(c) || ".,+=_-".indexOf(c) >= 0);
            s.append(safe ? c : '~');
        }
        if (s.charAt(0) == '.') {
            s.setCharAt(0, '~'); // never a hidden folder, nor "." or ".."
        }
        return s.toString();
    }

    private static String hash(List<ConfigOverride> run) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical(run).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
