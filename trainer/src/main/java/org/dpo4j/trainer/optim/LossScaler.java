package org.dpo4j.trainer.optim;

/**
 * Dynamic loss scaling for float16 training, as PyTorch's {@code torch.amp.GradScaler} (the
 * scaler TRL's {@code fp16=True} uses), with its defaults: the loss is multiplied by the scale S
 * before backward, so that small gradients do not flush to zero in float16; the gradients are
 * then S·g, and are unscaled (×1/S) before the norm is clipped. A step whose scaled gradients
 * hold an Inf or NaN is skipped and S is multiplied by {@link #BACKOFF}; after {@link #INTERVAL}
 * good steps in a row S is multiplied by {@link #GROWTH}. S stays a power of two, so scaling and
 * unscaling are exact in float32.
 *
 * <pre>
 *   update(foundInf):  foundInf → S ← S·0.5, good ← 0
 *                      else     → good ← good + 1; good = 2000 → S ← S·2, good ← 0
 * </pre>
 */
public final class LossScaler {

    /** GradScaler's {@code init_scale}. */
    public static final double INIT_SCALE = 65536.0;

    /** GradScaler's {@code growth_factor}. */
    public static final double GROWTH = 2.0;

    /** GradScaler's {@code backoff_factor}. */
    public static final double BACKOFF = 0.5;

    /** GradScaler's {@code growth_interval}: good steps before the scale grows. */
    public static final int INTERVAL = 2000;

    /**
     * What a checkpoint saves to resume the scaler exactly (GradScaler's {@code state_dict}:
     * {@code scale} and {@code _growth_tracker}).
     *
     * @param scale         the current scale
     * @param growthTracker good steps since the last change of the scale
     */
    public record State(double scale, int growthTracker) {

        /** A new scaler's state. */
        public static State initial() {
            return new State(INIT_SCALE, 0);
        }
    }

    private double scale;
    private int growthTracker;

    /** A scaler at {@link #INIT_SCALE}. */
    public LossScaler() {
        this(State.initial());
    }

    /** A scaler continuing from {@code state}. */
    public LossScaler(State state) {
        restore(state);
    }

    /** The factor the loss is multiplied by before backward. */
    public double scale() {
        return scale;
    }

    /**
     * Whether {@code scaledNorm}, the global norm of the scaled gradients, shows an Inf or NaN
     * in them. An Inf or NaN element makes the norm non-finite; the converse (a finite gradient
     * whose norm overflows float32, ‖S·g‖ &gt; 3.4e38) needs ‖g‖ &gt; 5e33 at the initial scale.
     */
    public static boolean overflowed(double scaledNorm) {
        return !Double.isFinite(scaledNorm);
    }

    /** After a step: backs off when its gradients overflowed, else counts it and grows when due. */
    public void update(boolean foundInf) {
        if (foundInf) {
            scale *= BACKOFF;
            growthTracker = 0;
            return;
        }
        growthTracker++;
        if (growthTracker == INTERVAL) {
            scale *= GROWTH;
            growthTracker = 0;
        }
    }

    /** The state a checkpoint saves. */
    public State state() {
        return new State(scale, growthTracker);
    }

    /** Continues from a checkpoint's state. */
    public void restore(State state) {
        if (!(state.scale() > 0) || !Double.isFinite(state.scale()) || state.growthTracker() < 0) {
            throw new IllegalArgumentException("loss scaler state " + state + ": the scale must be finite and > 0");
        }
        this.scale = state.scale();
        this.growthTracker = state.growthTracker();
    }
}
