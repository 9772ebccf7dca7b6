package org.dpo4j.trainer.model;

/**
 * Which {@link MatmulPrecision} the weight products of this thread use, for the extent of a
 * try-with-resources block, as PyTorch's {@code torch.autocast} context: the training loop
 * enters it around a micro-batch's forward passes, so models, attention code and the families
 * do not pass a precision around. Outside any block, products are float32.
 *
 * <pre>
 *   try (Autocast.Scope s = Autocast.enter(new MatmulPrecision.Fp16())) {
 *       ... forward passes ...
 *   }
 * </pre>
 *
 * Why per forward and not one float16 copy per step: the cast inside the forward is part of the
 * autograd graph, so gradients reach the float32 master weights with no extra bookkeeping (a
 * per-step copy would be a separate leaf whose gradient must be copied back), and its cost,
 * one read of each weight per forward, is small beside the product it feeds on a GPU.
 */
public final class Autocast {

    private static final MatmulPrecision FP32 = new MatmulPrecision.Fp32();
    private static final ThreadLocal<MatmulPrecision> CURRENT = ThreadLocal.withInitial(() -> FP32);

    private Autocast() {}

    /** The precision in force on this thread. */
    public static MatmulPrecision current() {
        return CURRENT.get();
    }

    /** Makes {@code precision} current until the scope closes, then restores the one before. */
    public static Scope enter(MatmulPrecision precision) {
        MatmulPrecision before = CURRENT.get();
        CURRENT.set(precision);
        return new Scope(before);
    }

    /** Restores the precision that was current before {@link #enter}. */
    public static final class Scope implements AutoCloseable {
        private final MatmulPrecision before;

        private Scope(MatmulPrecision before) {
            this.before = before;
        }

        @Override
        public void close() {
            CURRENT.set(before);
        }
    }
}
