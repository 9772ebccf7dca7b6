package org.dpo4j.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Function;

/**
 * Merges config trees layer over layer: mappings merge key by key, scalars and lists replace.
 * A polymorphic node (such as {@code loss}, typed by {@code type}) whose type differs between the
 * layers is replaced whole by the higher layer's node, since each type has its own keys.
 */
public final class TreeMerger {

    /** Node path to its type property, e.g. {@code loss -> type}. */
    private final Map<String, String> typedNodes;

    TreeMerger(Map<String, String> typedNodes) {
        this.typedNodes = Map.copyOf(typedNodes);
    }

    /**
     * Merges {@code higher} into {@code base} (changed in place) and records in
     * {@code provenance} the source of every node the higher layer set.
     */
    void merge(
            ObjectNode base,
            ObjectNode higher,
            Function<String, Source> sourceOf,
            Provenance provenance) {
        merge(base, higher, "", sourceOf, provenance);
    }

    private void merge(
            ObjectNode base,
            ObjectNode higher,
            String prefix,
            Function<String, Source> sourceOf,
            Provenance provenance) {
        for (Map.Entry<String, JsonNode> e : higher.properties()) {
            String path = Provenance.child(prefix, e.getKey());
            JsonNode lower = base.get(e.getKey());
            JsonNode upper = e.getValue();
            if (lower instanceof ObjectNode lo && upper instanceof ObjectNode up && !typeChanged(path, lo, up)) {
                merge(lo, up, path, sourceOf, provenance);
            } else {
                base.set(e.getKey(), upper.deepCopy());
                provenance.removeUnder(path);
                provenance.recordAll(path, upper, sourceOf);
            }
        }
    }

    private boolean typeChanged(String path, ObjectNode lower, ObjectNode upper) {
        String property = typedNodes.get(path);
        if (property == null || !upper.has(property)) {
            return false;
        }
        return !upper.get(property).equals(lower.get(property));
    }
}
