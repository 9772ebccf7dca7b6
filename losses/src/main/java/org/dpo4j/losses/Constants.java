package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Scalar constants for arithmetic on arrays that are in the autograd graph.
 *
 * <p><b>Why this exists.</b> DJL's {@code NDArray.mul/div/pow/maximum/minimum(Number)} wrap the
 * number in a tensor that points into a Java direct buffer ({@code torch::from_blob}, no copy) and
 * close the wrapper right after the op. Autograd keeps that tensor for the backward pass of
 * mul/div/pow/maximum/minimum, but the buffer is freed at the next Java GC, so a GC between
 * forward and backward makes the gradient read freed memory: silently wrong gradients, and runs
 * that stop being reproducible once the first GC happens. {@code add/sub(Number)} save nothing
 * for backward and are safe. The constants made here live in libtorch-owned memory, so they stay
 * valid for as long as autograd holds them, whatever the JVM does.
 */
public final class Constants {

    private Constants() {}

    /**
     * A 0-d array holding {@code value}, with {@code like}'s dtype and device, in libtorch-owned
     * storage, attached to {@code like}'s manager (and to the current {@code NDScope}).
     */
    public static NDArray scalar(NDArray like, double value) {
        NDArray javaBacked = like.getManager().create(value);
        NDArray typed = javaBacked.toType(like.getDataType(), false);
        NDArray owned = typed.duplicate(); // torch::empty + copy: storage no longer in the Java buffer
        if (typed != javaBacked) {
            typed.close();
        }
        javaBacked.close();
        return owned;
    }

    /** x·v, safe under autograd. */
    public static NDArray times(NDArray x, double v) {
        return x.mul(scalar(x, v));
    }

    /** x / v, safe under autograd. */
    public static NDArray dividedBy(NDArray x, double v) {
        return x.div(scalar(x, v));
    }

    /** x^v, safe under autograd. */
    public static NDArray power(NDArray x, double v) {
        return x.pow(scalar(x, v));
    }
}
