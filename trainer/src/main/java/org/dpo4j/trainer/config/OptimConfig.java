package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * AdamW with decoupled weight decay, as {@code torch.optim.AdamW}.
 *
 * @param lr          peak learning rate (the schedule scales it)
 * @param betas       [β1, β2], each in [0, 1)
 * @param eps         added to sqrt of the bias-corrected second moment
 * @param weightDecay decoupled decay λ: θ ← θ − lr·λ·θ
 * @param maxGradNorm clip the global L2 norm of all gradients to this; 0 disables clipping
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OptimConfig(
        Double lr, List<Double> betas, Double eps, Double weightDecay, Double maxGradNorm) {

    public OptimConfig {
        Check.positive("lr", lr);
        Check.required("betas", betas);
        if (betas.size() != 2) {
            throw new ConfigValueException("betas", "must be a list of two numbers, got " + betas);
        }
        Check.halfOpen("betas[0]", betas.get(0), 0.0, 1.0);
        Check.halfOpen("betas[1]", betas.get(1), 0.0, 1.0);
        betas = List.copyOf(betas);
        Check.positive("eps", eps);
        Check.nonNegative("weight_decay", weightDecay);
        Check.nonNegative("max_grad_norm", maxGradNorm);
    }

    public double beta1() {
        return betas.get(0);
    }

    public double beta2() {
        return betas.get(1);
    }
}
