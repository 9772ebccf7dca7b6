package org.dpo4j.trainer.optim;

/**
 * The scalars of one AdamW step k, in double precision as {@code torch.optim.AdamW} computes
 * them on the host; each kernel rounds them to the tensors' float type where PyTorch does.
 *
 * @param gradScale clipping factor (times 1/S under loss scaling), applied to g first
 * @param decay     1 − lr·λ (exactly 1 without weight decay)
 * @param beta1     β1
 * @param beta2     β2
 * @param eps       ε, added after the bias correction
 * @param sqrtBias2 sqrt(1 − β2^k)
 * @param stepSize  lr / (1 − β1^k)
 */
record AdamWScalars(double gradScale, double decay, double beta1, double beta2, double eps, double sqrtBias2,
        double stepSize) {

    /** The scalars of step {@code k} (k ≥ 1). */
    static AdamWScalars of(int k, double lr, double gradScale, double beta1, double beta2, double eps,
            double weightDecay) {
        double bias1 = 1 - Math.pow(beta1, k);
        double bias2 = 1 - Math.pow(beta2, k);
        return new AdamWScalars(gradScale, weightDecay == 0 ? 1.0 : 1 - lr * weightDecay, beta1, beta2, eps,
                Math.sqrt(bias2), lr / bias1);
    }

    /** Whether g is scaled at all (a factor of 1 changes nothing and costs a pass). */
    boolean scaled() {
        return gradScale != 1.0;
    }

    /** Whether θ decays at all. */
    boolean decayed() {
        return decay != 1.0;
    }

    /** lerp's weight for m, 1 − β1. */
    double lerpWeight() {
        return 1 - beta1;
    }

    /** Whether lerp takes its form for a weight below 1/2: m + w·(g − m) (else g − (1 − w)·(g − m)). */
    boolean lerpFromStart() {
        return Math.abs(lerpWeight()) < 0.5;
    }
}
