package org.dpo4j.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Names each run's method from the configs alone, so that the report needs no list of losses:
 * a method is what distinguishes runs besides the swept x key ({@code loss.beta}) and the seed.
 *
 * <p>The config's leaves are flattened to dotted keys; a key that differs between runs is a
 * candidate. A run's label is built like a decision tree: going through the candidates in config
 * order, a key is named when its value still differs among the runs that agree with this run on
 * every key before it. So f-DPO's {@code loss.alpha} is named for the α-divergence runs (where it
 * varies) and not for the JS runs (where it keeps its default), and DPO runs are just
 * {@code dpo}. Text values are shown bare, numbers as {@code key=value} (last key segment).
 */
final class RunGroups {

    private RunGroups() {}

    /** Every leaf of {@code config} as dotted key → text ("" for null). */
    static Map<String, String> leaves(JsonNode config) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", config, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else {
            out.put(prefix, node.isNull() ? "" : node.isValueNode() ? node.asText() : node.toString());
        }
    }

    /**
     * The label of each run (same order).
     *
     * @param configs  the runs' resolved configs
     * @param excluded keys that never name a method (the x key, the seed key, output.dir)
     */
    static List<String> labels(List<JsonNode> configs, Set<String> excluded) {
        List<Map<String, String>> leaves = configs.stream().map(RunGroups::leaves).toList();
        Set<String> keys = new LinkedHashSet<>();
        leaves.forEach(l -> keys.addAll(l.keySet()));
        keys.removeAll(excluded);
        List<String> candidates = new ArrayList<>();
        for (String k : keys) {
            if (leaves.stream().map(l -> l.getOrDefault(k, "")).distinct().count() > 1) {
                candidates.add(k);
            }
        }
        List<String> labels = new ArrayList<>();
        for (Map<String, String> run : leaves) {
            List<Map<String, String>> same = new ArrayList<>(leaves);
            List<String> parts = new ArrayList<>();
            for (String k : candidates) {
                String v = run.getOrDefault(k, "");
                if (same.stream().map(l -> l.getOrDefault(k, "")).distinct().count() > 1 && !v.isEmpty()) {
                    parts.add(isNumber(v) ? k.substring(k.lastIndexOf('.') + 1) + "=" + v : v);
                }
                same.removeIf(l -> !l.getOrDefault(k, "").equals(v));
            }
            labels.add(parts.isEmpty() ? "base" : String.join(" ", parts));
        }
        return labels;
    }

    /** The value of a dotted key in a config, as text ("" when absent). */
    static String valueAt(JsonNode config, String dotted) {
        JsonNode node = config;
        for (String k : dotted.split("\\.")) {
            node = node.path(k);
        }
        return node.isMissingNode() || node.isNull() ? "" : node.asText();
    }

    static boolean isNumber(String v) {
        try {
            Double.parseDouble(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Labels in first-appearance order, each with its runs' indices grouped by x value (numeric order when numbers). */
    static Map<String, Map<String, List<Integer>>> group(List<String> labels, List<String> xs) {
        Map<String, Map<String, List<Integer>>> out = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            out.computeIfAbsent(labels.get(i), k -> new TreeMap<>(RunGroups::compareValues))
                    .computeIfAbsent(xs.get(i), k -> new ArrayList<>()).add(i);
        }
        return out;
    }

    static int compareValues(String a, String b) {
        if (isNumber(a) && isNumber(b)) {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        }
        return a.compareTo(b);
    }
}
