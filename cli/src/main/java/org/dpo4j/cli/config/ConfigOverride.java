package org.dpo4j.cli.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One command-line change to the config tree: {@code --set loss.beta=0.2} or a typed flag such
 * as {@code --max-steps 50}.
 *
 * @param keys   the key path, e.g. {@code [loss, beta]}
 * @param value  the new value (any JSON node: number, text, list, mapping, null)
 * @param origin the argument as the user wrote it, for error messages
 */
public record ConfigOverride(List<String> keys, JsonNode value, String origin) {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final YAMLMapper YAML = new YAMLMapper();

    public ConfigOverride {
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("empty key path");
        }
    }

    /** The dotted key path, e.g. {@code loss.beta}. */
    public String path() {
        return String.join(".", keys);
    }

    /**
     * Parses {@code key.path=value}. The value is read as a YAML flow value: {@code 0.2} is a
     * number, {@code [0.9, 0.95]} a list, {@code null} (or nothing) is null, other text a string.
     *
     * @throws IllegalArgumentException with a one-line reason when {@code arg} is malformed
     */
    public static ConfigOverride parseSet(String arg) {
        int eq = arg.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException(
                    "expected KEY.PATH=VALUE (e.g. loss.beta=0.2), got '" + arg + "'");
        }
        String path = arg.substring(0, eq).trim();
        List<String> keys = List.of(path.split("\\.", -1));
        for (String k : keys) {
            if (!KEY.matcher(k).matches()) {
                throw new IllegalArgumentException(
                        "bad key path '" + path + "' in '" + arg
                                + "' (keys are dot-separated names, e.g. optim.lr)");
            }
        }
        String text = arg.substring(eq + 1);
        JsonNode value;
        if (text.isBlank()) {
            value = NullNode.getInstance();
        } else {
            try {
                value = YAML.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "the value in '" + arg + "' is not a valid YAML value (quote text, e.g. "
                                + path + "='a: b'): " + syntaxProblem(e));
            }
            if (value == null || value.isMissingNode()) {
                value = NullNode.getInstance();
            }
        }
        return new ConfigOverride(keys, value, "--set " + arg);
    }

    /** A typed flag that sets {@code path} (dotted) to {@code value}. */
    public static ConfigOverride flag(String path, JsonNode value, String origin) {
        return new ConfigOverride(List.of(path.split("\\.")), value, origin);
    }

    /** The one-line reason of a YAML or JSON syntax error, without its location. */
    static String syntaxProblem(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblem() != null) {
            return firstLine(y.getProblem());
        }
        String message = firstLine(e.getOriginalMessage());
        if (message.startsWith("Duplicate field ")) {
            return "duplicate key " + message.substring("Duplicate field ".length());
        }
        return message;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl).strip();
    }
}
