package org.dpo4j.trainer.data.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Python 3's answers, written next to each call. */
class PyStringsTest {

    @Test
    void stripUsesPythonsWhitespace() {
        // ' \u0085x\u00a0\u2003'.strip() == 'x'; Java's strip() keeps U+0085 and U+00A0.
        assertEquals("x", PyStrings.strip(" \u0085x\u00a0\u2003", null));
        assertEquals("\u0000x", PyStrings.strip("\u0000x ", null));
        assertEquals("Hello \n", PyStrings.lstrip("  Hello \n", null));
        assertEquals("b", PyStrings.strip("xaxbxa", "ax"));
        assertEquals("😀", PyStrings.strip("a😀a", "a"));
    }

    @Test
    void splitWithoutSeparatorDropsEmptyParts() {
        assertEquals(List.of("a", "b"), PyStrings.split("  a \t b  ", null, -1));
        assertEquals(List.of("a", "b  c "), PyStrings.split("  a  b  c ", null, 1));
        assertEquals(List.of(), PyStrings.split("   ", null, -1));
        assertEquals(List.of(" a  b", "c"), PyStrings.rsplit(" a  b  c ", null, 1));
    }

    @Test
    void splitWithSeparatorKeepsEmptyParts() {
        // 'a,b,,c,'.split(',') == ['a', 'b', '', 'c', '']
        assertEquals(List.of("a", "b", "", "c", ""), PyStrings.split("a,b,,c,", ",", -1));
        assertEquals(List.of("a.b", "c"), PyStrings.rsplit("a.b.c", ".", 1));
        assertEquals(List.of("", "a"), PyStrings.split("aaa", "aa", -1));
        assertEquals(List.of("a", ""), PyStrings.rsplit("aaa", "aa", -1));
        assertThrows(PyCallException.class, () -> PyStrings.split("a", "", -1));
    }

    @Test
    void startsWithTakesTuplesAndBounds() {
        assertTrue(PyStrings.startsWith("abc", List.of("x", "ab"), null, null));
        assertTrue(PyStrings.startsWith("abc", List.of("b"), 1, null));
        assertTrue(PyStrings.endsWith("abc", List.of("b"), 0, 2));
        assertTrue(PyStrings.endsWith("abc", List.of("c"), -1, null));
        // 'abc'.startswith('', 3) is True, 'abc'.startswith('', 4) is False
        assertTrue(PyStrings.startsWith("abc", List.of(""), 3, null));
        assertFalse(PyStrings.startsWith("abc", List.of(""), 4, null));
    }

    @Test
    void findAndCountUseCodePointIndices() {
        assertEquals(2, PyStrings.find("😀a😀b", "😀", 1, null));
        assertEquals(3, PyStrings.rfind("abc", "", null, null));
        assertEquals(-1, PyStrings.find("abc", "", 5, null));
        assertEquals(2, PyStrings.count("abcabc", "bc", null, null));
        assertEquals(4, PyStrings.count("abc", "", null, null));
    }

    @Test
    void replaceWithCountAndEmptyPattern() {
        assertEquals("bba", PyStrings.replace("aaa", "a", "b", 2));
        assertEquals("-a-b-c-", PyStrings.replace("abc", "", "-", -1));
        assertEquals("-a-bc", PyStrings.replace("abc", "", "-", 2));
    }

    @Test
    void caseMappingIsFull() {
        assertEquals("STRASSE", PyStrings.upper("straße"));
        assertEquals("όσος", PyStrings.lower("ΌΣΟΣ"));
        assertEquals("Hello world", PyStrings.capitalize("hELLO WORLD"));
        assertEquals("They'Re Bill'S", PyStrings.title("they're bill's"));
        assertThrows(PyCallException.class, () -> PyStrings.title("ßa"));
    }

    @Test
    void joinRefusesNonStrings() {
        assertEquals("a, b", PyStrings.join(", ", List.of("a", "b")));
        PyCallException e = assertThrows(PyCallException.class, () -> PyStrings.join(",", List.of("a", 1L)));
        assertEquals("sequence item 1: expected str instance, int found", e.getMessage());
    }
}
