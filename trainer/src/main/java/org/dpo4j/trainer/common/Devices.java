package org.dpo4j.trainer.common;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;

/**
 * Maps {@code train.device} (and {@code --device}) to an engine device, once per run: the
 * manager made on it owns every array of the run, so nothing else names a device.
 */
public final class Devices {

    private Devices() {}

    /**
     * The device {@code name} asks for, checked against the GPUs the engine sees.
     *
     * @param name {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
     * @throws UserInputException (one line) when the name is not a device name, or names a GPU
     *                            the engine does not have
     */
    public static Device resolve(String name) {
        return resolve("train.device", name);
    }

    /**
     * As {@link #resolve(String)}, naming {@code where} (a key path or option) in the error.
     */
    public static Device resolve(String where, String name) {
        return DeviceSpec.parse(where, name).resolve(where, gpuCount());
    }

    /**
     * The GPUs the engine sees (0 with the CPU natives). Starts the engine.
     *
     * @throws UserInputException (one line) when the engine cannot start: in the GPU build, whose
     *     natives DJL downloads at first start, typically no network and nothing cached yet
     */
    public static int gpuCount() {
        try {
            return Engine.getInstance().getGpuCount();
        } catch (EngineException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new UserInputException("the PyTorch engine could not start: " + e.getMessage()
                    + (root != e ? " (" + root + ")" : "") + (DjlEnvironment.bundledNatives() ? ""
                            : "; this GPU build downloads libtorch's natives from publish.djl.ai at first start"
                                    + " (network needed once; PYTORCH_FLAVOR picks them, e.g. cu128), or use the CPU"
                                    + " build"), e);
        }
    }
}
