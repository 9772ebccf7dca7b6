package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The float type of a weight matrix product ({@link Linear#apply}): a closed set, chosen per run
 * ({@code train.precision}) and in force while {@link Autocast} says so.
 */
public sealed interface MatmulPrecision {

    /**
     * x·w, returned in float32.
     *
     * @param x (..., k), float32
     * @param w (k, n), float32 (the master weight, or its transposed view)
     * @return (..., n), float32
     */
    NDArray matMul(NDArray x, NDArray w);

    /** Plain float32 products. */
    record Fp32() implements MatmulPrecision {
        @Override
        public NDArray matMul(NDArray x, NDArray w) {
            return x.matMul(w);
        }
    }

    /**
     * float16 products, as PyTorch's autocast runs {@code linear} under {@code torch.float16}:
     * x and w are cast to float16 (the cast of w is a copy of the float32 master weight, made in
     * the forward, so the gradient flows back through the cast to the float32 weight), the
     * product runs in the engine's float16 kernel, and the result is cast back to float32 so that
     * what follows (bias, norms, softmax, log-probs, the loss) runs in float32.
     *
     * <p>The casts must be differentiable, and DJL's {@code toType} is not: its JNI call runs
     * {@code tensor.to(dtype)} under a {@code NoGradGuard}, so the gradient would stop there. So
     * the down-cast is {@code torch.cumprod(a.unsqueeze(-1), -1, dtype=float16)} over that axis of
     * size 1 (the identity, with the cast done by cumprod's {@code dtype} argument, which autograd
     * records), and the up-cast is type promotion: adding a float32 zero of shape (1) to the
     * float16 result gives it in float32. Backward casts each gradient to its input's type.
     */
    record Fp16() implements MatmulPrecision {
        @Override
        public NDArray matMul(NDArray x, NDArray w) {
            NDArray y = half(x).matMul(half(w));
            return y.add(y.getManager().zeros(new Shape(1), DataType.FLOAT32));
        }

        /** {@code a} as float16, differentiably (see the class comment). */
        static NDArray half(NDArray a) {
            return a.expandDims(-1).cumProd(-1, DataType.FLOAT16).squeeze(-1);
        }
    }
}
