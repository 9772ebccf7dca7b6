package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

public class MainTest {

    @Test
    void djlIsOfflineOnPyTorchWithThreadsFromTheMachine() {
        Properties p = new Properties();
        p.setProperty("ai.djl.offline", "false");
        Main.configureDjl(p, Map.of(), 6, true);
        assertEquals("true", p.getProperty("ai.djl.offline"));
        assertEquals("PyTorch", p.getProperty("ai.djl.default_engine"));
        assertEquals("6", p.getProperty("ai.djl.pytorch.num_threads"));
        assertEquals("1", p.getProperty("ai.djl.pytorch.num_interop_threads"));
    }

    @Test
    void threadCountsTheUserChoseAreKept() {
        Properties p = new Properties();
        p.setProperty("ai.djl.pytorch.num_threads", "3");
        p.setProperty("ai.djl.pytorch.num_interop_threads", "2");
        Main.configureDjl(p, Map.of(), 8, true);
        assertEquals("3", p.getProperty("ai.djl.pytorch.num_threads"));
        assertEquals("2", p.getProperty("ai.djl.pytorch.num_interop_threads"));

        Properties q = new Properties();
        Main.configureDjl(q, Map.of("OMP_NUM_THREADS", "1"), 8, true);
        assertNull(q.getProperty("ai.djl.pytorch.num_threads"), "OMP_NUM_THREADS is honoured");
    }

    @Test
    void theGpuBuildWithoutBundledNativesMayDownloadThem() {
        Properties p = new Properties();
        Main.configureDjl(p, Map.of(), 4, false);
        assertNull(p.getProperty("ai.djl.offline"), "DJL may fetch the CUDA natives once");
        assertEquals("PyTorch", p.getProperty("ai.djl.default_engine"));

        Properties user = new Properties();
        user.setProperty("ai.djl.offline", "true");
        Main.configureDjl(user, Map.of(), 4, false);
        assertEquals("true", user.getProperty("ai.djl.offline"), "a user's offline choice is kept");
    }

    @Test
    void thisBuildBundlesTheCpuNatives() {
        // the tests run on the CPU build: the natives jar is on the class path
        assertEquals(true, org.dpo4j.trainer.common.DjlEnvironment.bundledNatives());
    }
}
