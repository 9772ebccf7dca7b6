package org.dpo4j.cli.sweep;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.dpo4j.cli.config.BindErrors;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.cli.config.FileLocator;
import org.dpo4j.cli.config.Source;

/**
 * A sweep file as written: the base run config, the overrides every run gets, a grid (a
 * cartesian product of values per key) and a list of extra runs. Keys are dotted config paths
 * exactly as {@code --set} takes them ({@code loss.beta}); values are YAML values.
 *
 * <pre>
 * base: ../dpo-tiny.yaml                       # relative to this file, or absolute; absent = the embedded defaults
 * overrides: {loss.type: fdpo, train.max_steps: 100}
 * grid: {loss.divergence: [reverse_kl, js], loss.beta: [0.05, 0.1]}
 * runs: [{loss.type: tdpo, loss.variant: tdpo2}]
 * </pre>
 *
 * Reading checks the shape only (known top-level keys, lists where lists belong, key paths); the
 * runs' configs are validated by {@link SweepPlan}. Every override remembers where it is in the
 * file ({@link #sourceOf}), so that a config error names the sweep file, line and key path.
 *
 * @param display   the sweep file as the user named it
 * @param base      the base run config, or null for the embedded defaults
 * @param baseDisplay the base file as shown in messages, or null
 * @param overrides the {@code overrides} entries, in file order
 * @param grid      per {@code grid} key (in file order), one override per value
 * @param runs      the {@code runs} entries, each a list of overrides
 * @param sources   where each override is in the file (by identity)
 */
public record SweepFile(
        String display,
        Path base,
        String baseDisplay,
        List<ConfigOverride> overrides,
        Map<String, List<ConfigOverride>> grid,
        List<List<ConfigOverride>> runs,
        Map<ConfigOverride, Source> sources) {

    static final Set<String> TOP_LEVEL_KEYS = Set.of("base", "overrides", "grid", "runs");

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+");

    /** Where {@code o} came from: its place in this sweep file, or the command line. */
    Source sourceOf(ConfigOverride o) {
        Source s = sources.get(o);
        return s != null ? s : new Source.Argument(o.origin());
    }

    /**
     * Reads and checks a sweep file.
     *
     * @param loader  reads the file (YAML, or JSON when it ends in {@code .json})
     * @param file    the sweep file
     * @param display the file as the user named it
     * @param workDir the directory paths are shown relative to
     * @throws ConfigException naming the file, line and key path when it is malformed
     */
    public static SweepFile read(ConfigLoader loader, Path file, String display, Path workDir) {
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        JsonNode tree = loader.readFile(new Source.ConfigFile(file, display, json));
        Reader r = new Reader(file, display, json ? new JsonFactory() : new YAMLFactory());
        for (var e : tree.properties()) {
            if (!TOP_LEVEL_KEYS.contains(e.getKey())) {
                throw r.error(List.of(e.getKey()), true, "unknown key " + e.getKey()
                        + " at the top level of a sweep file (allowed: base, overrides, grid, runs)");
            }
        }

        Path base = null;
        String baseDisplay = null;
        JsonNode baseNode = tree.path("base");
        if (!baseNode.isMissingNode() && !baseNode.isNull()) {
            if (!baseNode.isTextual() || baseNode.asText().isBlank()) {
                throw r.error(List.of("base"), false, "expected the path of a run config file, got "
                        + BindErrors.render(baseNode));
            }
            Path dir = file.toAbsolutePath().getParent();
            base = dir.resolve(baseNode.asText()).normalize();
            baseDisplay = shown(base, workDir);
            if (!Files.isRegularFile(base)) {
                throw r.error(List.of("base"), false, "config file not found: " + baseDisplay
                        + " (a relative base is resolved against the sweep file's folder)");
            }
        }

        List<ConfigOverride> overrides = r.entries(tree.path("overrides"), List.of("overrides"));

        Map<String, List<ConfigOverride>> grid = new LinkedHashMap<>();
        JsonNode gridNode = tree.path("grid");
        if (!gridNode.isMissingNode() && !gridNode.isNull()) {
            if (!gridNode.isObject()) {
                throw r.error(List.of("grid"), false, "expected a mapping of key paths to lists of values,"
                        + " e.g. {loss.beta: [0.05, 0.1]}, got " + BindErrors.render(gridNode));
            }
            for (var e : gridNode.properties()) {
                List<String> at = List.of("grid", e.getKey());
                List<String> keys = r.keys(e.getKey(), at);
                JsonNode values = e.getValue();
                if (!values.isArray() || values.isEmpty()) {
                    throw r.error(at, false, "expected a non-empty list of values, e.g. [0.05, 0.1], got "
                            + BindErrors.render(values));
                }
                List<ConfigOverride> column = new ArrayList<>();
                for (int i = 0; i < values.size(); i++) {
                    List<String> valueAt = List.of("grid", e.getKey(), Integer.toString(i));
                    column.add(r.override(keys, values.get(i), at, valueAt));
                }
                grid.put(e.getKey(), List.copyOf(column));
            }
        }

        List<List<ConfigOverride>> runs = new ArrayList<>();
        JsonNode runsNode = tree.path("runs");
        if (!runsNode.isMissingNode() && !runsNode.isNull()) {
            if (!runsNode.isArray()) {
                throw r.error(List.of("runs"), false, "expected a list of mappings, e.g. [{loss.type: tdpo}], got "
                        + BindErrors.render(runsNode));
            }
            for (int i = 0; i < runsNode.size(); i++) {
                runs.add(r.entries(runsNode.get(i), List.of("runs", Integer.toString(i))));
            }
        }
        if (grid.isEmpty() && runs.isEmpty()) {
            throw new ConfigException("config error: " + display + ": a sweep needs a grid, runs, or both");
        }
        return new SweepFile(display, base, baseDisplay, List.copyOf(overrides), grid, List.copyOf(runs), r.sources);
    }

    /** {@code path} relative to {@code workDir} when inside it, else absolute. */
    static String shown(Path path, Path workDir) {
        Path abs = path.toAbsolutePath().normalize();
        Path work = workDir.toAbsolutePath().normalize();
        return abs.startsWith(work) && !abs.equals(work) ? work.relativize(abs).toString() : abs.toString();
    }

    /** The file being read, and the sources of the overrides taken from it. */
    private static final class Reader {
        final Path file;
        final String display;
        final JsonFactory factory;
        final Map<ConfigOverride, Source> sources = new IdentityHashMap<>();

        Reader(Path file, String display, JsonFactory factory) {
            this.file = file;
            this.display = display;
            this.factory = factory;
        }

        /** A mapping of dotted key paths to values ({@code overrides}, a {@code runs} entry). */
        List<ConfigOverride> entries(JsonNode node, List<String> at) {
            List<ConfigOverride> out = new ArrayList<>();
            if (node.isMissingNode() || node.isNull()) {
                return out;
            }
            if (!node.isObject()) {
                throw error(at, false, "expected a mapping of key paths to values, e.g. {loss.beta: 0.2}, got "
                        + BindErrors.render(node));
            }
            for (var e : node.properties()) {
                List<String> keyAt = new ArrayList<>(at);
                keyAt.add(e.getKey());
                out.add(override(keys(e.getKey(), keyAt), e.getValue(), keyAt, keyAt));
            }
            return out;
        }

        ConfigOverride override(List<String> keys, JsonNode value, List<String> keyAt, List<String> valueAt) {
            checkNotOutputDir(keys, value, keyAt);
            ConfigOverride o = new ConfigOverride(keys, value, display + ": " + pathText(valueAt));
            sources.put(o, new Source.SweepEntry(where(keyAt, true), where(valueAt, false)));
            return o;
        }

        List<String> keys(String dotted, List<String> at) {
            List<String> keys = List.of(dotted.split("\\.", -1));
            for (String k : keys) {
                if (!KEY.matcher(k).matches()) {
                    throw error(at, true, "bad key path '" + dotted + "' (keys are dot-separated names, e.g. loss.beta)");
                }
            }
            return keys;
        }

        /** Every run's output.dir is the sweep's choice: {@code --output-dir}/run-name. */
        private void checkNotOutputDir(List<String> keys, JsonNode value, List<String> at) {
            boolean dir = keys.equals(List.of("output", "dir"))
                    || keys.equals(List.of("output")) && value.isObject() && value.has("dir");
            if (dir) {
                throw error(at, true, "output.dir cannot be set in a sweep: each run writes into"
                        + " SWEEP_DIR/RUN_NAME (choose SWEEP_DIR with --output-dir)");
            }
        }

        ConfigException error(List<String> at, boolean atKey, String what) {
            return new ConfigException("config error: " + where(at, atKey) + ": " + what);
        }

        /** {@code file:line:column: grid.loss.beta[1]} (the position when the file has it). */
        String where(List<String> at, boolean atKey) {
            String pos = FileLocator.locate(factory, file, at, atKey).map(p -> ":" + p).orElse("");
            return display + pos + ": " + pathText(at);
        }

        static String pathText(List<String> at) {
            StringBuilder s = new StringBuilder();
            for (String part : at) {
                if (part.chars().allMatch(Character::isDigit) && s.length() > 0) {
                    s.append('[').append(part).append(']');
                } else {
                    s.append(s.length() == 0 ? "" : ".").append(part);
                }
            }
            return s.toString();
        }
    }
}
