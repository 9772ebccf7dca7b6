package org.dpo4j.trainer.common;

import ai.djl.Device;

/**
 * What {@code train.device} asks for, before it meets an engine: {@code auto}, {@code cpu},
 * {@code gpu} (the first GPU) or {@code gpu:N}. {@link #resolve} turns it into a DJL device
 * given the number of GPUs the engine sees, so the rules are testable without a GPU.
 * (DJL spells a GPU {@code gpu0}; {@code gpu:0} is PyTorch's spelling, which users write.)
 */
public sealed interface DeviceSpec {

    /** The allowed names, as a regular expression. */
    String PATTERN = "auto|cpu|gpu(:\\d+)?";

    /**
     * The device this spec means when the engine sees {@code gpuCount} GPUs.
     *
     * @param where the key path or option, for the error
     * @throws UserInputException when it asks for a GPU the engine does not have
     */
    Device resolve(String where, int gpuCount);

    /** The first GPU when the engine sees one, else the CPU (what TRL's accelerate does). */
    record Auto() implements DeviceSpec {
        @Override
        public Device resolve(String where, int gpuCount) {
            return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        }
    }

    /** The CPU. */
    record Cpu() implements DeviceSpec {
        @Override
        public Device resolve(String where, int gpuCount) {
            return Device.cpu();
        }
    }

    /**
     * GPU {@code index}.
     *
     * @param index 0-based CUDA device index
     * @param named the name as written (gpu or gpu:N), for the error
     */
    record Gpu(int index, String named) implements DeviceSpec {
        @Override
        public Device resolve(String where, int gpuCount) {
            if (index >= gpuCount) {
                throw new UserInputException(where + ": " + named + " is not available: the engine sees " + gpuCount
                        + " GPU(s)" + (gpuCount == 0
                                ? " (the CPU build has no CUDA; see README 'Training on a GPU'); use auto or cpu"
                                : "; use gpu:0 to gpu:" + (gpuCount - 1) + ", auto or cpu"));
            }
            return Device.gpu(index);
        }
    }

    /**
     * The spec {@code name} writes.
     *
     * @throws UserInputException when it is none of auto, cpu, gpu, gpu:N
     */
    static DeviceSpec parse(String where, String name) {
        if (name == null || !name.matches(PATTERN)) {
            throw new UserInputException(where + ": must be auto, cpu, gpu or gpu:N, got '" + name + "'");
        }
        if (name.equals("auto")) {
            return new Auto();
        }
        if (name.equals("cpu")) {
            return new Cpu();
        }
        int colon = name.indexOf(':');
        int index;
        try {
            index = colon < 0 ? 0 : Integer.parseInt(name.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UserInputException(where + ": GPU index too large in '" + name + "'");
        }
        return new Gpu(index, name);
    }
}
