package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import org.dpo4j.losses.Constants;

/**
 * The two normalisations over the last axis. Written with add(Number), sqrt and array division
 * only: a Number exponent or divisor would be a Java-backed tensor kept by autograd (see
 * {@link Constants}).
 */
public final class Norms {

    private Norms() {}

    /**
     * RMSNorm (Llama family): w · x / sqrt(mean(x²) + ε), no mean subtraction, no bias.
     *
     * @param x      (..., d)
     * @param weight (d)
     */
    public static NDArray rms(NDArray x, NDArray weight, double eps) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return x.div(rms).mul(weight);
    }

    /**
     * Gemma's RMSNorm: (1 + w) · x / sqrt(mean(x²) + ε); the stored weight is an offset from 1.
     *
     * @param x      (..., d)
     * @param weight (d)
     */
    public static NDArray rmsOffset(NDArray x, NDArray weight, double eps) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return x.div(rms).mul(weight.add(1));
    }

    /**
     * LayerNorm (GPT-2): w · (x − μ) / sqrt(σ² + ε) + b with the biased variance σ² = mean((x − μ)²).
     *
     * @param x      (..., d)
     * @param weight (d)
     * @param bias   (d)
     */
    public static NDArray layer(NDArray x, NDArray weight, NDArray bias, double eps) {
        NDArray centred = x.sub(x.mean(new int[] {-1}, true));
        NDArray std = centred.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return centred.div(std).mul(weight).add(bias);
    }
}
