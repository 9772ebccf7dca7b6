package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import org.dpo4j.losses.ConfigChoice;

/**
 * {@code train.precision}: the float type of the training step's matrix products. Master weights,
 * gradients and the optimizer state are float32 in every case (as PyTorch's autocast with
 * {@code GradScaler}, which TRL's {@code fp16=True} uses).
 */
public enum Precision implements ConfigChoice {

    /** fp16 on a GPU, fp32 on the CPU (where PyTorch's fp16 matrix products are ~300x slower). */
    AUTO,

    /** Everything in float32 (the default, as TRL without {@code fp16}/{@code bf16}). */
    FP32,

    /** float16 weight copies for the matrix products, dynamic loss scaling ({@code MixedPrecision}). */
    FP16,

    /** bfloat16: refused, DJL's PyTorch engine has no bfloat16 ({@link TrainConfig}). */
    BF16;

    /** The precision a config file names, exactly. */
    @JsonCreator
    public static Precision fromConfig(String configName) {
        return ConfigChoice.parse(Precision.class, configName);
    }
}
