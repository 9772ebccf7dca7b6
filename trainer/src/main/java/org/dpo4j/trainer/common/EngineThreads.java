package org.dpo4j.trainer.common;

import ai.djl.pytorch.jni.JniUtils;

/**
 * The engine's intra-op (OpenMP) thread count: {@code --threads} (any command) beats
 * {@code train.threads}, which beats the engine's default ({@code OMP_NUM_THREADS}, else every
 * processor, set by the program's {@code Main}).
 *
 * <p>{@code --threads} is parsed before any engine call, so it is given as the DJL property the
 * engine reads at start ({@code ai.djl.pytorch.num_threads}); a run config is read later, so
 * {@code train.threads} is applied to the started engine ({@code torch.set_num_threads}), which
 * PyTorch allows at any time. How waiting threads behave (OpenMP's {@code OMP_WAIT_POLICY}) is
 * read by libgomp when it loads, so it cannot be set from here: the {@code dpo4j} launcher and
 * the sweep's child processes set it (see docs/performance.md, busy machines).
 */
public final class EngineThreads {

    /** The DJL property holding the intra-op threads the engine starts with. */
    public static final String ENGINE_PROPERTY = "ai.djl.pytorch.num_threads";

    /** Set by {@code --threads}: the count a run config may not change. */
    public static final String FLAG_PROPERTY = "dpo4j.threads";

    private EngineThreads() {}

    /**
     * {@code --threads n}: the engine starts with n threads and {@code train.threads} is ignored.
     *
     * @throws UserInputException when n is below 1
     */
    public static void fromCommandLine(int n) {
        if (n < 1) {
            throw new UserInputException("--threads: must be >= 1, got " + n);
        }
        System.setProperty(ENGINE_PROPERTY, Integer.toString(n));
        System.setProperty(FLAG_PROPERTY, Integer.toString(n));
    }

    /**
     * The count a run uses: {@code --threads} when given, else {@code configured}
     * ({@code train.threads}), else null (leave the engine as it is).
     */
    public static Integer choose(Integer configured) {
        Integer flag = Integer.getInteger(FLAG_PROPERTY);
        return flag != null ? flag : configured;
    }

    /**
     * Applies {@link #choose}'s count to the started engine; nothing when it is null.
     *
     * @return the engine's intra-op threads now
     */
    public static int apply(Integer configured) {
        Integer n = choose(configured);
        if (n != null && n != JniUtils.getNumThreads()) {
            JniUtils.setNumThreads(n);
        }
        return JniUtils.getNumThreads();
    }
}
