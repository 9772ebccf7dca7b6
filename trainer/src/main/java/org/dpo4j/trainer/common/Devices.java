package org.dpo4j.trainer.common;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Maps {@code train.device} to an engine device. */
public final class Devices {

    private Devices() {}

    /** {@code auto}: the engine's default (a GPU when it sees one); else cpu, gpu, gpu:N. */
    public static Device resolve(String name) {
        if (name.equals("auto")) {
            return Engine.getInstance().defaultDevice();
        }
        Device device = Device.fromName(name);
        if (device.isGpu() && device.getDeviceId() >= Engine.getInstance().getGpuCount()) {
            throw new UserInputException(
                    "train.device: " + name + " is not available (the engine sees "
                            + Engine.getInstance().getGpuCount() + " GPU(s)); use auto or cpu");
        }
        return device;
    }
}
