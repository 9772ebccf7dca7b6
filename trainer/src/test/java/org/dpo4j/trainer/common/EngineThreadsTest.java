package org.dpo4j.trainer.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --threads} beats {@code train.threads}, which beats the engine's default; applied to the live engine. */
public class EngineThreadsTest {

    private String engineProperty;
    private int engineThreads;

    @BeforeEach
    void save() {
        Engine.getInstance();
        engineProperty = System.getProperty(EngineThreads.ENGINE_PROPERTY);
        engineThreads = JniUtils.getNumThreads();
    }

    @AfterEach
    void restore() {
        System.clearProperty(EngineThreads.FLAG_PROPERTY);
        if (engineProperty == null) {
            System.clearProperty(EngineThreads.ENGINE_PROPERTY);
        } else {
            System.setProperty(EngineThreads.ENGINE_PROPERTY, engineProperty);
        }
        JniUtils.setNumThreads(engineThreads);
    }

    @Test
    void configuredThreadsReachTheEngine() {
        int other = engineThreads == 1 ? 2 : 1;
        assertEquals(other, EngineThreads.apply(other));
        assertEquals(other, JniUtils.getNumThreads());
        assertEquals(other, EngineThreads.apply(null), "null leaves the engine as it is");
    }

    @Test
    void theFlagBeatsTheConfig() {
        assertNull(EngineThreads.choose(null));
        assertEquals(3, EngineThreads.choose(3));
        EngineThreads.fromCommandLine(1);
        assertEquals("1", System.getProperty(EngineThreads.ENGINE_PROPERTY), "the engine starts with it");
        assertEquals(1, EngineThreads.choose(3));
        assertEquals(1, EngineThreads.apply(2));
        assertEquals(1, JniUtils.getNumThreads());
    }

    @Test
    void lessThanOneIsRefused() {
        UserInputException e = assertThrows(UserInputException.class, () -> EngineThreads.fromCommandLine(0));
        assertEquals("--threads: must be >= 1, got 0", e.getMessage());
    }
}
