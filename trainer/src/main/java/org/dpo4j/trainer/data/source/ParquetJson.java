package org.dpo4j.trainer.data.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Converts a Parquet row to a JSON object, one member per column in schema order:
 *
 * <ul>
 *   <li>strings (STRING, ENUM, JSON on BYTE_ARRAY) to strings, decoded strictly as UTF-8; a
 *       BYTE_ARRAY without annotation to a string when it is UTF-8 (old writers stored strings
 *       so), else to binary;</li>
 *   <li>integers, floating point numbers, booleans and decimals to numbers and booleans;</li>
 *   <li>lists (LIST, including the legacy two-level forms) to arrays, a repeated field without
 *       LIST to an array too;</li>
 *   <li>maps (MAP) to objects when their keys are strings, else to arrays of
 *       {@code {"key": ..., "value": ...}};</li>
 *   <li>other groups (structs) to objects;</li>
 *   <li>a missing optional value to null;</li>
 *   <li>anything else (dates, timestamps, INT96, UUID) to the text Parquet gives it.</li>
 * </ul>
 */
final class ParquetJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A string column whose bytes are not UTF-8. */
    static final class InvalidStringException extends Exception {
        InvalidStringException(String message) {
            super(message, null, false, false);
        }
    }

    private ParquetJson() {}

    static ObjectNode row(Group row) throws InvalidStringException {
        return object(row, row.getType(), "");
    }

    private static ObjectNode object(Group group, GroupType type, String path) throws InvalidStringException {
        ObjectNode object = NODES.objectNode();
        for (int i = 0; i < type.getFieldCount(); i++) {
            Type field = type.getType(i);
            String name = field.getName();
            object.set(name, field(group, i, field, path.isEmpty() ? name : path + "." + name));
        }
        return object;
    }

    /** Field {@code index} of {@code group}: an array when repeated, null when unset. */
    private static JsonNode field(Group group, int index, Type type, String path) throws InvalidStringException {
        int count = group.getFieldRepetitionCount(index);
        if (type.isRepetition(Type.Repetition.REPEATED)) {
            ArrayNode array = NODES.arrayNode(count);
            for (int i = 0; i < count; i++) {
                array.add(value(group, index, i, type, path + "[" + i + "]"));
            }
            return array;
        }
        return count == 0 ? NODES.nullNode() : value(group, index, 0, type, path);
    }

    private static JsonNode value(Group group, int index, int i, Type type, String path) throws InvalidStringException {
        if (type.isPrimitive()) {
            return primitive(group, index, i, type.asPrimitiveType(), path);
        }
        GroupType groupType = type.asGroupType();
        Group child = group.getGroup(index, i);
        LogicalTypeAnnotation logical = groupType.getLogicalTypeAnnotation();
        boolean oneRepeated = groupType.getFieldCount() == 1 && groupType.getType(0).isRepetition(Type.Repetition.REPEATED);
        if (oneRepeated && logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return list(child, groupType, path);
        }
        if (oneRepeated && (logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)) {
            return map(child, groupType.getType(0), path);
        }
        return object(child, groupType, path);
    }

    /**
     * A LIST group: {@code list (LIST) { repeated group list { element } }}, or one of the older
     * forms where the repeated field is itself the element (the Parquet format's
     * backward-compatibility rules).
     */
    private static ArrayNode list(Group list, GroupType type, String path) throws InvalidStringException {
        Type repeated = type.getType(0);
        boolean repeatedIsElement = repeated.isPrimitive()
                || repeated.asGroupType().getFieldCount() != 1
                || repeated.getName().equals("array")
                || repeated.getName().equals(type.getName() + "_tuple");
        int count = list.getFieldRepetitionCount(0);
        ArrayNode array = NODES.arrayNode(count);
        for (int i = 0; i < count; i++) {
            String at = path + "[" + i + "]";
            array.add(repeatedIsElement ? value(list, 0, i, repeated, at)
                    : field(list.getGroup(0, i), 0, repeated.asGroupType().getType(0), at));
        }
        return array;
    }

    /** A MAP group: {@code map (MAP) { repeated group key_value { key; value } }}. */
    private static JsonNode map(Group map, Type keyValue, String path) throws InvalidStringException {
        if (keyValue.isPrimitive()) {
            return field(map, 0, keyValue, path);
        }
        GroupType entryType = keyValue.asGroupType();
        int count = map.getFieldRepetitionCount(0);
        List<JsonNode[]> entries = new ArrayList<>(count);
        boolean textKeys = true;
        for (int i = 0; i < count; i++) {
            Group entry = map.getGroup(0, i);
            String at = path + "[" + i + "]";
            JsonNode key = field(entry, 0, entryType.getType(0), at + ".key");
            JsonNode value = entryType.getFieldCount() > 1 ? field(entry, 1, entryType.getType(1), at + ".value")
                    : NODES.nullNode();
            textKeys &= key.isTextual();
            entries.add(new JsonNode[] {key, value});
        }
        if (textKeys) {
            ObjectNode object = NODES.objectNode();
            entries.forEach(entry -> object.set(entry[0].asText(), entry[1]));
            return object;
        }
        ArrayNode array = NODES.arrayNode(count);
        entries.forEach(entry -> array.addObject().<ObjectNode>set("key", entry[0]).set("value", entry[1]));
        return array;
    }

    private static JsonNode primitive(Group group, int index, int i, PrimitiveType type, String path)
            throws InvalidStringException {
        return switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> NODES.booleanNode(group.getBoolean(index, i));
            case FLOAT -> NODES.numberNode(group.getFloat(index, i));
            case DOUBLE -> NODES.numberNode(group.getDouble(index, i));
            case INT32 -> int32(group.getInteger(index, i), type);
            case INT64 -> int64(group.getLong(index, i), type);
            case INT96 -> NODES.textNode(type.stringifier().stringify(group.getInt96(index, i)));
            case BINARY, FIXED_LEN_BYTE_ARRAY -> bytes(group.getBinary(index, i), type, path);
        };
    }

    private static JsonNode int32(int value, PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical == null || logical instanceof IntLogicalTypeAnnotation integer && integer.isSigned()) {
            return NODES.numberNode(value);
        }
        if (logical instanceof IntLogicalTypeAnnotation) {
            return NODES.numberNode(Integer.toUnsignedLong(value));
        }
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            return NODES.numberNode(BigDecimal.valueOf(value, decimal.getScale()));
        }
        return NODES.textNode(type.stringifier().stringify(value));
    }

    private static JsonNode int64(long value, PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical == null || logical instanceof IntLogicalTypeAnnotation integer && integer.isSigned()) {
            return NODES.numberNode(value);
        }
        if (logical instanceof IntLogicalTypeAnnotation) {
            return NODES.numberNode(new BigInteger(Long.toUnsignedString(value)));
        }
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            return NODES.numberNode(BigDecimal.valueOf(value, decimal.getScale()));
        }
        return NODES.textNode(type.stringifier().stringify(value));
    }

    private static JsonNode bytes(Binary value, PrimitiveType type, String path) throws InvalidStringException {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            return NODES.numberNode(new BigDecimal(new BigInteger(value.getBytes()), decimal.getScale()));
        }
        boolean text = logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
        if (!text && logical != null) {
            return NODES.textNode(type.stringifier().stringify(value));
        }
        byte[] bytes = value.getBytes();
        try {
            return NODES.textNode(StrictUtf8.decode(bytes, 0, bytes.length));
        } catch (StrictUtf8.InvalidUtf8Exception e) {
            if (!text) {
                return NODES.binaryNode(bytes);
            }
            throw new InvalidStringException("invalid UTF-8 in column '" + path + "' at byte " + (e.offset() + 1)
                    + " (" + e.badByte() + ")");
        }
    }
}
