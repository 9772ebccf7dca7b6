package org.dpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small structural JSON Schema check, enough for the keywords {@link org.dpo4j.cli.config.ConfigSchema} writes:
 * type (one or a list), properties, additionalProperties: false, required, enum, const,
 * pattern, items, minItems, oneOf, anyOf. Returns the problems, each with its JSON path; empty
 * means valid.
 */
public final class SchemaCheck {

    private SchemaCheck() {}

    public static List<String> problems(JsonNode schema, JsonNode value) {
        List<String> out = new ArrayList<>();
        check(schema, value, "$", out);
        return out;
    }

    private static void check(JsonNode schema, JsonNode value, String at, List<String> out) {
        JsonNode type = schema.get("type");
        if (type != null) {
            boolean ok = false;
            for (JsonNode t : type.isArray() ? type : List.of(type)) {
                ok |= hasType(value, t.asText());
            }
            if (!ok) {
                out.add(at + ": expected " + type + ", got " + value);
                return;
            }
        }
        if (schema.has("const") && !same(schema.get("const"), value)) {
            out.add(at + ": expected " + schema.get("const") + ", got " + value);
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= same(e, value);
            }
            if (!found) {
                out.add(at + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (schema.has("pattern") && value.isTextual()
                && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
            out.add(at + ": " + value + " does not match " + schema.get("pattern"));
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                JsonNode sub = properties.get(e.getKey());
                if (sub != null) {
                    check(sub, e.getValue(), at + "." + e.getKey(), out);
                } else if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean()) {
                    out.add(at + ": unknown key " + e.getKey());
                }
            }
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) {
                    out.add(at + ": missing " + r.asText());
                }
            }
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                out.add(at + ": fewer than " + schema.get("minItems") + " items");
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    check(schema.get("items"), value.get(i), at + "[" + i + "]", out);
                }
            }
        }
        if (schema.has("anyOf") && matching(schema.get("anyOf"), value, at) == 0) {
            out.add(at + ": matches none of anyOf");
        }
        if (schema.has("oneOf")) {
            int n = matching(schema.get("oneOf"), value, at);
            if (n != 1) {
                out.add(at + ": matches " + n + " branches of oneOf, expected exactly 1");
            }
        }
    }

    private static int matching(JsonNode branches, JsonNode value, String at) {
        int n = 0;
        for (JsonNode b : branches) {
            List<String> sub = new ArrayList<>();
            check(b, value, at, sub);
            n += sub.isEmpty() ? 1 : 0;
        }
        return n;
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber()
                    || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
