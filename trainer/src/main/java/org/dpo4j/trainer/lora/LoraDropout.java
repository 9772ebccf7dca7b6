package org.dpo4j.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import org.dpo4j.losses.Constants;

/**
 * PEFT's {@code lora_dropout} on an adapter's input: during training each element is kept with
 * probability 1 − p and scaled by 1 / (1 − p); outside training (no gradient recording: the
 * reference, evaluation, generation) the input passes unchanged.
 *
 * <p>Masks are drawn from libtorch's generator reseeded before each draw from
 * (run seed, optimizer step, draw number within the step), so a step's masks depend on nothing
 * but the step: a resumed run draws the same masks as the uninterrupted one.
 */
final class LoraDropout {

    private final double p;
    private final long seed;
    private long step;
    private long draws;

    LoraDropout(double p, long seed) {
        this.p = p;
        this.seed = seed;
    }

    /** The 0-based optimizer step the next draws belong to. */
    void atStep(long step) {
        this.step = step;
        this.draws = 0;
    }

    /** Whether any element is ever dropped (p > 0). */
    boolean active() {
        return p > 0;
    }

    NDArray apply(NDArray x) {
        if (p == 0 || !JniUtils.isGradMode()) {
            return x;
        }
        JniUtils.setSeed(mix(seed, step, draws++));
        // keep / (1 − p) as one libtorch-owned mask: autograd saves it for the backward of x·mask
        NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape(), DataType.FLOAT32)
                .gte(Constants.scalar(x, p)).toType(DataType.FLOAT32, false);
        return x.mul(Constants.times(keep, 1 / (1 - p)));
    }

    /** A well-spread 63-bit seed from the three counters (SplitMix64's finaliser). */
    private static long mix(long seed, long step, long draw) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + draw * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }
}
