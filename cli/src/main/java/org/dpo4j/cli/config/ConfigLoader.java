package org.dpo4j.cli.config;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.dpo4j.trainer.common.IoErrors;
import org.dpo4j.trainer.config.RunConfig;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Resolves a run config from its layers, lowest first: the embedded defaults
 * ({@value #DEFAULTS_RESOURCE}), a {@code --config} file (YAML, or JSON when it ends in
 * {@code .json}), the {@code --set} overrides, then the typed flags. The merged tree is bound to
 * {@link RunConfig} with unknown keys rejected; every failure is a {@link ConfigException} whose
 * one-line message names the key path, what is allowed and where the value came from.
 */
public final class ConfigLoader {

    static final String DEFAULTS_RESOURCE = "default-run.yaml";

    /** The largest config or sweep file read, in bytes (1 MiB). */
    public static final long MAX_CONFIG_BYTES = 1L << 20;

    private static final Source DEFAULTS = new Source.Defaults();

    private final YAMLMapper yaml;
    private final JsonMapper json;
    private final ObjectReader binder;
    private final TreeMerger merger;
    private final ObjectNode defaults;

    public ConfigLoader() {
        yaml = YAMLMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID)
                .build();
        json = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        binder = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build()
                .readerFor(RunConfig.class);
        merger = new TreeMerger(typedNodes());
        defaults = readDefaults();
    }

    /** The embedded default tree (a copy). */
    public ObjectNode defaultsTree() {
        return defaults.deepCopy();
    }

    /**
     * Resolves and validates a run config.
     *
     * @param file      the {@code --config} file, or null
     * @param display   the file as the user named it (for messages)
     * @param sets      the {@code --set} overrides in command-line order (later wins)
     * @param flags     the typed flags
     * @throws ConfigException when a layer cannot be read or the result is not a valid config
     */
    public ResolvedConfig load(Path file, String display, List<ConfigOverride> sets, List<ConfigOverride> flags) {
        return load(file, display, List.of(sets, flags), o -> new Source.Argument(o.origin()));
    }

    /**
     * Resolves and validates a run config from a file and any number of override layers, lowest
     * first (a sweep: its {@code overrides}, then a grid point or run entry, then {@code --set}).
     *
     * @param layers   the override layers; within one layer the order of keys does not matter
     * @param sourceOf where each override came from, for error messages
     * @throws ConfigException when a layer cannot be read or the result is not a valid config
     */
    public ResolvedConfig load(Path file, String display, List<List<ConfigOverride>> layers,
            Function<ConfigOverride, Source> sourceOf) {
        ObjectNode tree = defaults.deepCopy();
        Provenance provenance = new Provenance();
        provenance.recordAll("", tree, p -> DEFAULTS);
        if (file != null) {
            Source.ConfigFile source = new Source.ConfigFile(
                    file, display == null ? file.toString() : display,
                    file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"));
            merger.merge(tree, readFile(source), p -> source, provenance);
        }
        for (List<ConfigOverride> layer : layers) {
            mergeOverrides(tree, layer, sourceOf, provenance);
        }
        RunConfig config = bind(tree, provenance);
        return new ResolvedConfig(config, toYaml(config));
    }

    /** The config as YAML, in the form {@code resolved-config.yaml} holds. */
    public String toYaml(RunConfig config) {
        try {
            return yaml.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the config as YAML", e);
        }
    }

    /** Reads one config file into a tree (no defaults, no binding); for tests and tools. */
    public ObjectNode readFile(Source.ConfigFile source) {
        Path file = source.path();
        if (!Files.exists(file)) {
            throw new ConfigException("config error: config file not found: " + source.display());
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(
                    "config error: " + source.display() + " is not a file (expected a YAML or JSON file)");
        }
        checkSize(source);
        ObjectMapper mapper = source.json() ? json : yaml;
        JsonNode node;
        try {
            node = mapper.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ConfigException("config error: " + syntaxError(source, e));
        } catch (IOException e) {
            throw new ConfigException(
                    "config error: cannot read " + source.display() + ": " + e.getMessage());
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException("config error: " + source.display()
                    + ": expected a mapping of sections (model, data, loss, ...) at the top level, got "
                    + BindErrors.render(node));
        }
        return (ObjectNode) node;
    }

    /**
     * Refuses a file over {@value #MAX_CONFIG_BYTES} bytes before parsing it: a config or sweep
     * file is a few kilobytes, and parsing a 100 MB one took minutes and gigabytes before any
     * message.
     */
    private static void checkSize(Source.ConfigFile source) {
        long size;
        try {
            size = Files.size(source.path());
        } catch (IOException e) {
            throw new ConfigException("config error: cannot read " + source.display() + ": " + IoErrors.describe(e));
        }
        if (size > MAX_CONFIG_BYTES) {
            throw new ConfigException("config error: " + source.display() + " is " + size + " bytes, over the limit of "
                    + MAX_CONFIG_BYTES + " bytes (1 MiB) for a config or sweep file; is it the right file?");
        }
    }

    private static String syntaxError(Source.ConfigFile source, JsonProcessingException e) {
        String kind = source.json() ? "JSON" : "YAML";
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            return source.display() + ":" + (y.getProblemMark().getLine() + 1) + ":"
                    + (y.getProblemMark().getColumn() + 1) + ": " + kind + " syntax error: "
                    + ConfigOverride.syntaxProblem(e);
        }
        String problem = ConfigOverride.syntaxProblem(e);
        JsonLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 0
                ? source.display()
                : source.display() + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
        return where + ": " + kind + " syntax error: " + problem;
    }

    private void mergeOverrides(ObjectNode tree, List<ConfigOverride> overrides,
            Function<ConfigOverride, Source> sourceOf, Provenance provenance) {
        if (overrides.isEmpty()) {
            return;
        }
        // All overrides of one kind form one layer, so that the loss-type rule does not depend on
        // the order of --set loss.type=... and --set loss.<key>=...
        ObjectNode layer = JsonNodeFactory.instance.objectNode();
        Provenance layerSources = new Provenance();
        for (ConfigOverride o : overrides) {
            ObjectNode node = layer;
            List<String> keys = o.keys();
            for (int i = 0; i < keys.size() - 1; i++) {
                JsonNode child = node.get(keys.get(i));
                if (!(child instanceof ObjectNode)) {
                    child = node.putObject(keys.get(i));
                }
                node = (ObjectNode) child;
            }
            node.set(keys.get(keys.size() - 1), o.value().deepCopy());
            Source source = sourceOf.apply(o);
            layerSources.removeUnder(o.path());
            layerSources.recordAll(o.path(), o.value(), p -> source);
            for (int i = 1; i < keys.size(); i++) {
                layerSources.recordIfAbsent(String.join(".", keys.subList(0, i)), source);
            }
        }
        merger.merge(tree, layer, layerSources::lookup, provenance);
    }

    private RunConfig bind(ObjectNode tree, Provenance provenance) {
        try {
            return binder.readValue(tree);
        } catch (JsonMappingException e) {
            BindErrors.Problem problem = BindErrors.describe(e, tree);
            throw new ConfigException(format(problem, provenance.lookup(problem.path())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String format(BindErrors.Problem problem, Source source) {
        if (source instanceof Source.ConfigFile f) {
            JsonFactory factory = f.json() ? json.getFactory() : yaml.getFactory();
            Optional<String> at = FileLocator.locate(factory, f.path(), problem.path(), problem.atKey());
            return "config error: " + f.display() + at.map(s -> ":" + s).orElse("") + ": " + problem.text();
        }
        if (source instanceof Source.Argument a) {
            return "config error: " + problem.text() + " (from " + a.text() + ")";
        }
        if (source instanceof Source.SweepEntry s) {
            String at = s.at(problem.atKey());
            return "config error: " + at + ": " + problem.text();
        }
        if (source instanceof Source.Defaults) {
            return "config error: " + problem.text() + " (in the embedded defaults)";
        }
        return "config error: " + problem.text();
    }

    private ObjectNode readDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULTS_RESOURCE);
            }
            return (ObjectNode) yaml.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULTS_RESOURCE, e);
        }
    }

    /** The polymorphic nodes of {@link RunConfig} and their type property, e.g. loss -> type. */
    private static Map<String, String> typedNodes() {
        Map<String, String> out = new HashMap<>();
        for (RecordComponent c : RunConfig.class.getRecordComponents()) {
            JsonTypeInfo info = c.getType().getAnnotation(JsonTypeInfo.class);
            if (info != null) {
                String property = info.property().isEmpty()
                        ? info.use().getDefaultPropertyName() : info.property();
                out.put(snake(c.getName()), property);
            }
        }
        return out;
    }

    private static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
