package org.dpo4j.trainer.data.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against Python's {@code json.dumps} with transformers' defaults ({@code ensure_ascii=False}). */
class PyJsonTest {

    private static final PyJson DEFAULT = PyJson.of(null, null, false, false);

    @Test
    void oneLineWithSpacesAfterSeparators() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", List.of(1L, 2.5, true));
        map.put("a", null);
        // json.dumps({'b': [1, 2.5, True], 'a': None})
        assertEquals("{\"b\": [1, 2.5, true], \"a\": null}", DEFAULT.dumps(map));
    }

    @Test
    void indentPutsOneItemPerLineAndKeepsEmptyContainers() {
        // json.dumps([1, [], {}, [2]], indent=2)
        assertEquals("[\n  1,\n  [],\n  {},\n  [\n    2\n  ]\n]",
                PyJson.of(2L, null, false, false).dumps(List.of(1L, List.of(), Map.of(), List.of(2L))));
        assertEquals("[\n\t1\n]", PyJson.of("\t", null, false, false).dumps(List.of(1L)));
    }

    @Test
    void escapesControlsButNotNonAscii() {
        // json.dumps('é"\\\n\x01\x7f') == '"é\\"\\\\\\n\\u0001\x7f"'
        assertEquals("\"é\\\"\\\\\\n\\u0001\u007f\"", DEFAULT.dumps("é\"\\\n\u0001\u007f"));
        // json.dumps('é😀\x7f', ensure_ascii=True)
        assertEquals("\"\\u00e9\\ud83d\\ude00\\u007f\"", PyJson.of(null, null, false, true).dumps("é😀\u007f"));
    }

    @Test
    void separatorsAndSortedKeys() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", 1L);
        map.put("a", 2L);
        assertEquals("{\"a\":2,\"b\":1}", PyJson.of(null, List.of(",", ":"), true, false).dumps(map));
    }

    @Test
    void nonStringKeysAndNonFiniteFloats() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put(1L, Double.NaN);
        map.put(true, Double.NEGATIVE_INFINITY);
        assertEquals("{\"1\": NaN, \"true\": -Infinity}", DEFAULT.dumps(map));
    }

    @Test
    void refusesOtherObjects() {
        PyCallException e = assertThrows(PyCallException.class, () -> DEFAULT.dumps(Arrays.asList(new Object())));
        assertEquals("Object of type Object is not JSON serializable", e.getMessage());
    }
}
