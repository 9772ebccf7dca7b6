package org.dpo4j.cli.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.common.ConfigValueException;

/** Turns Jackson's binding exceptions into one-line config problems that name the key path. */
public final class BindErrors {

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** Writes enum constants as their config names. */
    private static final ObjectMapper NAMES = new ObjectMapper();

    private BindErrors() {}

    /**
     * A config problem.
     *
     * @param path  the dotted key path it is about ("" for the whole config)
     * @param atKey true when the key itself is wrong (unknown), false when its value is
     * @param text  the message, starting with the key path
     */
    record Problem(String path, boolean atKey, String text) {}

    static Problem describe(JsonMappingException e, JsonNode tree) {
        String path = pathOf(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            return unknownKey(u, path);
        }
        if (e instanceof InvalidTypeIdException t) {
            return typeId(t, path, tree);
        }
        if (e instanceof ValueInstantiationException && e.getCause() instanceof ConfigValueException c) {
            String key = Provenance.child(path, c.key());
            JsonNode value = nodeAt(tree, key);
            String hint = value == null || !value.isTextual() ? ""
                    : DidYouMean.closest(value.asText(), c.allowed()).map(v -> "; did you mean " + v + "?").orElse("");
            return new Problem(key, false, key + ": " + c.problem() + hint);
        }
        if (e instanceof ValueInstantiationException v && v.getType() != null && v.getType().isEnumType()
                && e.getCause() != null) {
            // a name outside a closed set: the enum's @JsonCreator says what is allowed
            JsonNode value = nodeAt(tree, path);
            String hint = value == null || !value.isTextual() ? "" : DidYouMean.closest(value.asText(),
                    configNames(v.getType().getRawClass())).map(n -> "; did you mean " + n + "?").orElse("");
            return new Problem(path, false, prefix(path) + e.getCause().getMessage() + hint);
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            JsonNode node = nodeAt(tree, path);
            String got = node != null ? render(node)
                    : m instanceof InvalidFormatException f ? String.valueOf(f.getValue()) : "another type";
            return new Problem(path, false,
                    prefix(path) + "expected " + expected(m.getTargetType()) + ", got " + got);
        }
        Throwable cause = e instanceof ValueInstantiationException && e.getCause() != null ? e.getCause() : e;
        String message = cause instanceof JsonMappingException j ? j.getOriginalMessage() : cause.getMessage();
        return new Problem(path, false, prefix(path) + ConfigOverride.firstLine(message));
    }

    private static Problem unknownKey(UnrecognizedPropertyException u, String path) {
        String name = u.getPropertyName();
        List<JsonMappingException.Reference> refs = u.getPath();
        boolean pathHasName = !refs.isEmpty() && name.equals(refs.get(refs.size() - 1).getFieldName());
        String key = pathHasName ? path : Provenance.child(path, name);
        List<String> allowed = allowedKeys(u.getReferringClass(), u.getKnownPropertyIds());
        int dot = key.lastIndexOf('.');
        String parent = dot < 0 ? "" : key.substring(0, dot + 1);
        String hint = DidYouMean.closest(name, allowed).map(k -> "; did you mean " + parent + k + "?").orElse("");
        return new Problem(key, true,
                "unknown key " + key + hint + " (allowed: " + String.join(", ", allowed) + ")");
    }

    /** The keys a node accepts: its type property first (for a polymorphic node), then its own. */
    static List<String> allowedKeys(Class<?> type, Collection<Object> known) {
        List<String> out = new ArrayList<>();
        if (type != null) {
            for (Class<?> i : type.getInterfaces()) {
                JsonTypeInfo info = i.getAnnotation(JsonTypeInfo.class);
                if (info != null && info.include() == JsonTypeInfo.As.PROPERTY) {
                    out.add(typeProperty(info));
                }
            }
        }
        if (type != null && type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                out.add(SNAKE.translate(c.getName()));
            }
        } else if (known != null) {
            known.stream().map(String::valueOf).sorted().forEach(out::add);
        }
        return out;
    }

    private static Problem typeId(InvalidTypeIdException t, String path, JsonNode tree) {
        Class<?> base = t.getBaseType() == null ? null : t.getBaseType().getRawClass();
        JsonTypeInfo info = base == null ? null : base.getAnnotation(JsonTypeInfo.class);
        String property = info == null ? "type" : typeProperty(info);
        String allowed = String.join(", ", typeNames(base));
        JsonNode node = nodeAt(tree, path);
        if (node != null && !node.isObject() && !node.isNull()) {
            return new Problem(path, false, prefix(path) + "expected a mapping with '" + property
                    + "' (allowed types: " + allowed + "), got " + render(node));
        }
        String key = Provenance.child(path, property);
        if (t.getTypeId() == null) {
            return new Problem(key, false, key + ": is required (allowed: " + allowed + ")");
        }
        String hint = DidYouMean.closest(t.getTypeId(), typeNames(base)).map(v -> "; did you mean " + v + "?").orElse("");
        return new Problem(key, false, key + ": unknown '" + t.getTypeId() + "'" + hint + " (allowed: " + allowed + ")");
    }

    private static String typeProperty(JsonTypeInfo info) {
        return info.property().isEmpty() ? info.use().getDefaultPropertyName() : info.property();
    }

    /** The type names registered on a polymorphic base type, in declaration order. */
    public static List<String> typeNames(Class<?> base) {
        JsonSubTypes subtypes = base == null ? null : base.getAnnotation(JsonSubTypes.class);
        if (subtypes == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonSubTypes.Type t : subtypes.value()) {
            if (!t.name().isEmpty()) {
                out.add(t.name());
            }
            out.addAll(Arrays.asList(t.names()));
        }
        return out;
    }

    /** The names a config enum's constants are written as ({@code @JsonValue}), in declaration order. */
    static List<String> configNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(c -> NAMES.convertValue(c, String.class)).toList();
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == BigInteger.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class
                || type == float.class || type == BigDecimal.class || type == Number.class) {
            return "a number";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || type.isInterface()) {
            return "a mapping";
        }
        return "a " + type.getSimpleName();
    }

    /** A value as the user would recognise it: text quoted, lists and mappings short. */
    public static String render(JsonNode node) {
        if (node.isTextual()) {
            return '"' + node.asText() + '"';
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        String json = node.toString();
        String kind = node.isArray() ? "a list " : "a mapping ";
        return kind + (json.length() > 60 ? json.substring(0, 57) + "..." : json);
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    static String pathOf(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The node at a dotted path, or null when absent. */
    static JsonNode nodeAt(JsonNode tree, String path) {
        JsonNode node = tree;
        for (String s : FileLocator.segments(path)) {
            if (node == null) {
                return null;
            }
            node = node.isArray() && s.chars().allMatch(Character::isDigit)
                    ? node.get(Integer.parseInt(s)) : node.get(s);
        }
        return node;
    }
}
