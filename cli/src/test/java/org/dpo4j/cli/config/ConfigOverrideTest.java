package org.dpo4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

public class ConfigOverrideTest {

    private static JsonNode value(String arg) {
        return ConfigOverride.parseSet(arg).value();
    }

    @Test
    void valuesAreYamlFlowValues() {
        assertTrue(value("a=0.2").isDouble());
        assertEquals(0.2, value("a=0.2").doubleValue());
        assertTrue(value("a=3").isInt());
        assertTrue(value("a=[0.9, 0.95]").isArray());
        assertEquals(2, value("a=[0.9,0.95]").size());
        assertTrue(value("a=null").isNull());
        assertTrue(value("a=").isNull(), "an empty value is null, as in YAML");
        assertEquals("builtin:tiny-prefs", value("a=builtin:tiny-prefs").textValue());
        assertEquals("data/x=1.jsonl", value("a=data/x=1.jsonl").textValue(), "only the first = splits");
        assertEquals("0.2", value("a='0.2'").textValue(), "quoted numbers stay text");
        assertTrue(value("a={type: dpo, beta: 0.2}").isObject());
    }

    @Test
    void keyPathAndOrigin() {
        ConfigOverride o = ConfigOverride.parseSet("loss.beta=0.2");
        assertEquals(List.of("loss", "beta"), o.keys());
        assertEquals("loss.beta", o.path());
        assertEquals("--set loss.beta=0.2", o.origin());
    }

    @Test
    void malformedArgumentsAreRejected() {
        String m = assertThrows(IllegalArgumentException.class, () -> ConfigOverride.parseSet("loss.beta")).getMessage();
        assertTrue(m.contains("expected KEY.PATH=VALUE"), m);
        assertThrows(IllegalArgumentException.class, () -> ConfigOverride.parseSet("=1"));
        assertThrows(IllegalArgumentException.class, () -> ConfigOverride.parseSet("a..b=1"));
        assertThrows(IllegalArgumentException.class, () -> ConfigOverride.parseSet("a.=1"));
        m = assertThrows(IllegalArgumentException.class, () -> ConfigOverride.parseSet("a=[1")).getMessage();
        assertTrue(m.contains("not a valid YAML value") && !m.contains("\n"), m);
    }
}
