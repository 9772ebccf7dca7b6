package org.dpo4j.trainer.run;

import ai.djl.Device;
import java.util.Optional;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.Precision;
import org.dpo4j.trainer.model.MatmulPrecision;
import org.dpo4j.trainer.optim.LossScaler;

/**
 * How a run's training step computes: {@code train.precision} resolved against the run's device.
 * Master weights, gradients and AdamW's moments are float32 in both cases.
 */
public sealed interface StepPrecision {

    /** The weight products' precision, in force during the forward passes. */
    MatmulPrecision matmul();

    /** The factor the loss is multiplied by before backward (1 in float32). */
    double lossScale();

    /** The loss scaler, when the step scales its loss. */
    Optional<LossScaler> scaler();

    /** Everything in float32. */
    record Fp32() implements StepPrecision {
        @Override
        public MatmulPrecision matmul() {
            return new MatmulPrecision.Fp32();
        }

        @Override
        public double lossScale() {
            return 1.0;
        }

        @Override
        public Optional<LossScaler> scaler() {
            return Optional.empty();
        }
    }

    /**
     * float16 weight products with float32 master weights and dynamic loss scaling
     * (PyTorch's autocast with {@code GradScaler}).
     *
     * @param lossScaler the run's scaler, whose state checkpoints save
     */
    record MixedFp16(LossScaler lossScaler) implements StepPrecision {
        @Override
        public MatmulPrecision matmul() {
            return new MatmulPrecision.Fp16();
        }

        @Override
        public double lossScale() {
            return lossScaler.scale();
        }

        @Override
        public Optional<LossScaler> scaler() {
            return Optional.of(lossScaler);
        }
    }

    /**
     * {@code precision} on {@code device}: {@code auto} is fp16 on a GPU and fp32 on the CPU.
     *
     * @throws UserInputException (one line) for {@code fp16} on the CPU. As Hugging Face's
     *     Trainer refuses {@code fp16=True} without CUDA: libtorch's CPU float16 products are
     *     about 300x slower than float32 (0.2 GFLOP/s measured on the 2-core development
     *     machine), so the run would crawl without saving memory that matters on a CPU
     */
    public static StepPrecision of(Precision precision, Device device) {
        return switch (precision) {
            case FP32 -> new Fp32();
            case AUTO -> device.isGpu() ? new MixedFp16(new LossScaler()) : new Fp32();
            case FP16 -> {
                if (!device.isGpu()) {
                    throw new UserInputException("train.precision: fp16 needs a GPU (the device is " + device
                            + "; libtorch's float16 matrix products on the CPU are ~300x slower than float32);"
                            + " use fp32 or auto");
                }
                yield new MixedFp16(new LossScaler());
            }
            case BF16 -> throw new UserInputException("train.precision: bf16 is not supported (DJL's PyTorch engine"
                    + " has no bfloat16); use fp16 or fp32");
        };
    }
}
