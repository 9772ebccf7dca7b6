package org.dpo4j.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Which layer set each node of the merged config tree. Paths are dotted with list indices in
 * brackets: {@code loss.beta}, {@code optim.betas[1]}.
 */
public final class Provenance {

    private final Map<String, Source> sources = new HashMap<>();

    /** Records {@code node} at {@code path} and everything below it. */
    void recordAll(String path, JsonNode node, Function<String, Source> sourceOf) {
        if (!path.isEmpty()) {
            sources.put(path, sourceOf.apply(path));
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                recordAll(child(path, e.getKey()), e.getValue(), sourceOf);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                recordAll(path + "[" + i + "]", node.get(i), sourceOf);
            }
        }
    }

    /** Records {@code source} for {@code path} alone, unless the path already has one. */
    void recordIfAbsent(String path, Source source) {
        sources.putIfAbsent(path, source);
    }

    /** Forgets {@code path} and everything below it. */
    void removeUnder(String path) {
        sources.keySet().removeIf(
                p -> p.equals(path) || p.startsWith(path + ".") || p.startsWith(path + "["));
    }

    /** The source of {@code path}, or of its nearest recorded ancestor; null when none. */
    Source lookup(String path) {
        for (String p = path; p != null; p = parent(p)) {
            Source s = sources.get(p);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** {@code a.b[2]} to {@code a.b}, {@code a.b} to {@code a}, {@code a} to null. */
    static String parent(String path) {
        if (path.endsWith("]")) {
            return path.substring(0, path.lastIndexOf('['));
        }
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : path.substring(0, dot);
    }
}
