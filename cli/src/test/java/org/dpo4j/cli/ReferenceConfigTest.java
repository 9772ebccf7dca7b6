package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code reference} node: precompute, TR-DPO's sync_every and sync_alpha, and their conflict. */
public class ReferenceConfigTest {

    private final ConfigLoader loader = new ConfigLoader();

    @TempDir Path work;

    private ReferenceConfig load(String... sets) {
        return loader.load(null, null, Arrays.stream(sets).map(ConfigOverride::parseSet).toList(), List.of())
                .config().reference();
    }

    private String error(String... sets) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(sets));
        TestSupport.assertOneLine(e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaultsAreAFrozenLiveReference() {
        assertEquals(new ReferenceConfig(null, false, 0, 0.6), load());
        assertEquals(new ReferenceConfig(null), load());
        assertFalse(load().syncs());
    }

    @Test
    void theKeysBind() {
        assertEquals(new ReferenceConfig(null, true, 0, 0.6), load("reference.precompute=true"));
        ReferenceConfig trDpo = load("reference.sync_every=64", "reference.sync_alpha=1");
        assertEquals(new ReferenceConfig(null, false, 64, 1.0), trDpo);
        assertTrue(trDpo.syncs());
    }

    @Test
    void badValuesNameTheKey() {
        assertEquals("config error: reference.sync_alpha: must be in (0, 1], got 0.0 (from --set reference.sync_alpha=0)",
                error("reference.sync_alpha=0"));
        assertEquals("config error: reference.sync_alpha: must be in (0, 1], got 1.5 (from --set reference.sync_alpha=1.5)",
                error("reference.sync_alpha=1.5"));
        assertEquals("config error: reference.sync_every: must be >= 0, got -1 (from --set reference.sync_every=-1)",
                error("reference.sync_every=-1"));
        assertTrue(error("reference.precompute=null").startsWith("config error: reference.precompute: is required"));
    }

    @Test
    void precomputeAndSyncAreRefusedTogetherInOneLine() {
        assertEquals("config error: reference.sync_every: 10 updates the reference during training, so"
                        + " reference.precompute: true cannot cache it; set sync_every: 0 or precompute: false"
                        + " (from --set reference.sync_every=10)",
                error("reference.precompute=true", "reference.sync_every=10"));
    }

    @Test
    void theCommandLineExitsWith2BeforeTraining() {
        TestSupport.FakeTrainer trainer = new TestSupport.FakeTrainer();
        TestSupport.Result r = TestSupport.run(TestSupport.env(trainer, work), "train",
                "--set", "reference.precompute=true", "--set", "reference.sync_every=10");
        assertEquals(2, r.code(), r.err());
        TestSupport.assertOneLine(r.err());
        assertTrue(r.err().contains("reference.sync_every: 10 updates the reference"), r.err());
    }
}
