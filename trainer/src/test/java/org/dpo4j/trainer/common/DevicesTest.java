package org.dpo4j.trainer.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/**
 * {@code train.device}: the names users write (PyTorch's {@code gpu:0} included), resolved
 * against the GPUs an engine sees. The rules are checked for an engine with 0 and with 2 GPUs
 * (pure: {@link DeviceSpec#resolve}), then against this machine's engine.
 */
public class DevicesTest {

    private static Device resolve(String name, int gpus) {
        return DeviceSpec.parse("train.device", name).resolve("train.device", gpus);
    }

    private static void assertRefused(String name, int gpus) {
        UserInputException e = assertThrows(UserInputException.class, () -> resolve(name, gpus));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("train.device: " + name + " is not available: the engine sees " + gpus),
                e.getMessage());
    }

    @Test
    void withoutGpusAutoIsTheCpuAndEveryGpuNameIsRefused() {
        assertEquals(Device.cpu(), resolve("auto", 0));
        assertEquals(Device.cpu(), resolve("cpu", 0));
        assertRefused("gpu", 0);
        assertRefused("gpu:0", 0);
        assertRefused("gpu:3", 0);
    }

    @Test
    void withTwoGpusNamesMapToCudaIndices() {
        assertEquals(Device.gpu(0), resolve("auto", 2));
        assertEquals(Device.cpu(), resolve("cpu", 2));
        assertEquals(Device.gpu(0), resolve("gpu", 2));
        assertEquals(Device.gpu(0), resolve("gpu:0", 2));
        assertEquals(Device.gpu(1), resolve("gpu:1", 2));
        assertRefused("gpu:2", 2);
    }

    @Test
    void otherNamesAreOneLineNamingTheAllowedOnes() {
        for (String bad : new String[] {"gpu0", "cuda", "cuda:0", "GPU", "gpu:", "gpu:-1", ""}) {
            UserInputException e = assertThrows(UserInputException.class, () -> resolve(bad, 1));
            assertEquals("train.device: must be auto, cpu, gpu or gpu:N, got '" + bad + "'", e.getMessage());
        }
        UserInputException e = assertThrows(UserInputException.class, () -> resolve("gpu:99999999999", 1));
        assertTrue(e.getMessage().startsWith("train.device: "), e.getMessage());
    }

    @Test
    void thisEngineAgreesWithTheRules() {
        int gpus = Engine.getInstance().getGpuCount();
        assertEquals(gpus, Devices.gpuCount());
        assertEquals(Engine.getInstance().defaultDevice(), Devices.resolve("auto"),
                "auto is the engine's own default device");
        for (String name : new String[] {"gpu", "gpu:0"}) {
            if (gpus == 0) {
                UserInputException e = assertThrows(UserInputException.class, () -> Devices.resolve(name));
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            } else {
                assertEquals(Device.gpu(0), Devices.resolve(name));
            }
        }
        UserInputException e = assertThrows(UserInputException.class, () -> Devices.resolve("--device", "gpu:" + gpus));
        assertTrue(e.getMessage().startsWith("--device: gpu:" + gpus + " is not available"), e.getMessage());
    }
}
