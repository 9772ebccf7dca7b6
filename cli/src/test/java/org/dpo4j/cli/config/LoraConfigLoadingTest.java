package org.dpo4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.trainer.config.LoraConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code lora} node: off by default, PEFT's defaults, its three target forms, one-line errors naming the key. */
class LoraConfigLoadingTest {

    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path dir;

    private RunConfig load(Path file, String... sets) {
        return loader.load(file, file == null ? null : file.getFileName().toString(),
                Arrays.stream(sets).map(ConfigOverride::parseSet).toList(), List.of()).config();
    }

    private String error(Path file, String... sets) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(file, sets));
        TestSupport.assertOneLine(e.getMessage());
        return e.getMessage();
    }

    @Test
    void offByDefaultAndPeftDefaultsWhenSet() {
        assertNull(load(null).lora());
        LoraConfig lora = load(null, "lora.r=16").lora();
        assertEquals(16, lora.r());
        assertEquals(8.0, lora.alpha());
        assertEquals(0.0, lora.dropout());
        assertEquals("none", lora.bias());
        assertEquals(false, lora.useRslora());
        assertNull(lora.targetModules());
        assertEquals(8.0 / 16, lora.scaling());
        assertEquals(8.0 / Math.sqrt(16), load(null, "lora.r=16", "lora.use_rslora=true").lora().scaling());
    }

    @Test
    void targetsAsListRegexOrAllLinearAndLoraAlphaAlias() throws Exception {
        Path f = TestSupport.write(dir, "run.yaml", "lora: {lora_alpha: 32, target_modules: [q_proj, v_proj]}\n");
        LoraConfig lora = load(f).lora();
        assertEquals(32.0, lora.alpha());
        assertEquals(List.of("q_proj", "v_proj"), lora.targetList());
        assertEquals("all-linear", load(null, "lora.target_modules=all-linear").lora().targetString());
        assertEquals(".*\\.(q|v)_proj", load(null, "lora.target_modules=.*\\.(q|v)_proj").lora().targetString());
    }

    @Test
    void badValuesNameTheirKey() {
        assertTrue(error(null, "lora.r=0").contains("lora.r"), error(null, "lora.r=0"));
        assertTrue(error(null, "lora.dropout=1").contains("lora.dropout"));
        assertTrue(error(null, "lora.bias=some").contains("lora.bias"));
        assertTrue(error(null, "lora.target_modules=5").contains("lora.target_modules"));
        assertTrue(error(null, "lora.target_modules=(").contains("lora.target_modules"));
        String sync = error(null, "lora.r=4", "reference.sync_every=2");
        assertTrue(sync.contains("reference.sync_every") && sync.contains("lora"), sync);
    }
}
