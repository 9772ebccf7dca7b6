package org.dpo4j.cli.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.cli.config.ResolvedConfig;
import org.dpo4j.cli.config.Source;

/**
 * The runs of a sweep, each with its config resolved and validated, before any run starts. A
 * run's config is built in layers, lowest first: the embedded defaults, the sweep's {@code base}
 * file, its {@code overrides}, the grid point or {@code runs} entry, then the sweep command's
 * {@code --set}s. Each layer merges as one, as in {@code train}: so a layer that changes
 * {@code loss.type} replaces the loss node below it whole (the base's {@code beta} included),
 * and a layer without {@code loss.type} merges into the loss node key by key.
 *
 * <p>Runs come in file order: the grid's cartesian product (the first key varies slowest), then
 * the {@code runs} entries.
 *
 * @param sweep   the sweep file
 * @param runs    the runs, in order
 * @param columns the key paths that vary between runs (grid keys, then {@code runs} keys, in
 *                first-appearance order): the summary's columns
 */
public record SweepPlan(SweepFile sweep, List<SweepRun> runs, List<String> columns) {

    private static final YAMLMapper YAML = new YAMLMapper();

    /**
     * @param sets the sweep command's {@code --set}s, applied to every run
     * @throws ConfigException naming the sweep file, line and key path of the first run whose
     *     config is invalid, or of a run listed twice
     */
    public static SweepPlan expand(SweepFile sweep, ConfigLoader loader, List<ConfigOverride> sets) {
        List<List<ConfigOverride>> points = new ArrayList<>();
        product(new ArrayList<>(sweep.grid().values()), 0, new ArrayList<>(), points);
        points.addAll(sweep.runs());

        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < points.size(); i++) {
            Integer earlier = seen.putIfAbsent(RunNames.canonical(points.get(i)), i);
            if (earlier != null) {
                Source s = points.get(i).isEmpty() ? null : sweep.sourceOf(points.get(i).get(0));
                String at = s instanceof Source.SweepEntry e ? e.key() : sweep.display();
                throw new ConfigException("config error: " + at + ": the same run as an earlier one ("
                        + describe(points.get(i)) + ")");
            }
        }

        List<ConfigOverride> noOutputDir = List.of(
                ConfigOverride.flag("output.dir", NullNode.getInstance(), "the sweep (each run's directory)"));
        List<String> names = RunNames.assign(points);
        List<SweepRun> runs = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            ResolvedConfig config = loader.load(sweep.base(), sweep.baseDisplay(),
                    List.of(sweep.overrides(), points.get(i), sets, noOutputDir), sweep::sourceOf);
            runs.add(new SweepRun(names.get(i), points.get(i), config));
        }
        Set<String> columns = new LinkedHashSet<>();
        points.forEach(p -> p.forEach(o -> columns.add(o.path())));
        return new SweepPlan(sweep, List.copyOf(runs), List.copyOf(columns));
    }

    /** {@code loss.divergence=js, loss.beta=0.05}; {@code the base config} for none. */
    static String describe(List<ConfigOverride> point) {
        if (point.isEmpty()) {
            return "the base config";
        }
        List<String> parts = new ArrayList<>();
        point.forEach(o -> parts.add(o.path() + "=" + RunNames.text(o.value())));
        return String.join(", ", parts);
    }

    /**
     * The value of a dotted key path in a run's resolved config, as text (empty when the run's
     * config has no such key, e.g. {@code loss.divergence} in a TDPO run).
     */
    static String valueAt(ResolvedConfig config, String path) {
        JsonNode node;
        try {
            node = YAML.readTree(config.yaml());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the resolved config is YAML we wrote", e);
        }
        for (String key : path.split("\\.")) {
            node = node.path(key);
        }
        return node.isMissingNode() ? "" : RunNames.text(node);
    }

    private static void product(List<List<ConfigOverride>> columns, int k, List<ConfigOverride> prefix,
            List<List<ConfigOverride>> out) {
        if (columns.isEmpty()) {
            return;
        }
        if (k == columns.size()) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (ConfigOverride value : columns.get(k)) {
            prefix.add(value);
            product(columns, k + 1, prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }
}
