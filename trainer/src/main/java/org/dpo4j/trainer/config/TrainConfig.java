package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.dpo4j.losses.ConfigChoice;
import org.dpo4j.trainer.common.ConfigValueException;

/**
 * The loop. The run's length is given by exactly one of {@code maxSteps} and {@code epochs};
 * with epochs, the trainer computes the steps as Hugging Face does
 * ({@code EpochSteps}).
 *
 * @param batchSize                 pairs per micro-batch (2·batchSize rows per forward)
 * @param gradientAccumulationSteps micro-batches per optimizer step
 * @param maxSteps                  optimizer steps, or null when {@code epochs} is set
 * @param epochs                    passes over the training pairs, or null when {@code maxSteps} is set
 * @param groupByLength             lay each epoch out in batches of similar length
 *                                  ({@code EpochBatches}); false: a plain shuffle
 * @param seed                      seeds model initialisation, data split and shuffling
 * @param device                    {@code auto} (GPU when the engine sees one), {@code cpu},
 *                                  {@code gpu} or {@code gpu:N}
 * @param logEvery                  optimizer steps between metric records
 * @param nanPolicy                 what a non-finite loss or gradient norm does ({@link NanPolicy}):
 *                                  {@code stop} (the run fails, naming the step) or {@code skip_step}
 *                                  (that step's update is discarded and counted in {@code skipped_steps})
 * @param sharePrompts              run each pair's prompt through the model once for both of its
 *                                  rows when that computes fewer positions
 *                                  ({@link org.dpo4j.trainer.model.SharedPromptLayout}); the
 *                                  results equal the row-wise ones up to float32 rounding
 * @param threads                   the engine's intra-op (OpenMP) threads, or null for the
 *                                  engine's default ({@code OMP_NUM_THREADS}, else every
 *                                  processor); {@code --threads} wins over it
 * @param precision                 the matrix products' float type ({@link Precision}):
 *                                  {@code fp32}, {@code fp16}, {@code auto} (fp16 on a GPU only);
 *                                  {@code bf16} is refused (DJL has no bfloat16)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainConfig(
        Integer batchSize,
        Integer gradientAccumulationSteps,
        Integer maxSteps,
        Integer epochs,
        Boolean groupByLength,
        Long seed,
        String device,
        Integer logEvery,
        NanPolicy nanPolicy,
        Boolean sharePrompts,
        Integer threads,
        Precision precision) {

    /** The values {@code precision} names (bf16 among them, refused). */
    public static final List<String> PRECISIONS = ConfigChoice.configNames(Precision.class);

    /** The values {@code nan_policy} allows. */
    public static final List<String> NAN_POLICIES = ConfigChoice.configNames(NanPolicy.class);

    /** The values {@code device} allows, as a regular expression. */
    public static final String DEVICE_PATTERN = org.dpo4j.trainer.common.DeviceSpec.PATTERN;

    public TrainConfig {
        Check.atLeast("batch_size", batchSize, 1);
        Check.atLeast("gradient_accumulation_steps", gradientAccumulationSteps, 1);
        if (maxSteps != null && epochs != null) {
            // The defaults set max_steps, so a user who adds epochs lands here: name epochs,
            // whose source (file line or --set) is the one to report, and say how to clear max_steps.
            throw new ConfigValueException("epochs", "set train.max_steps or train.epochs, not both;"
                    + " e.g. --set train.max_steps=null --set train.epochs=2");
        }
        if (maxSteps == null && epochs == null) {
            throw new ConfigValueException("max_steps", "set train.max_steps or train.epochs (both are null);"
                    + " e.g. --set train.max_steps=200 or --set train.epochs=2");
        }
        if (maxSteps != null) {
            Check.atLeast("max_steps", maxSteps, 1);
        } else {
            Check.atLeast("epochs", epochs, 1);
        }
        Check.required("group_by_length", groupByLength);
        Check.required("seed", seed);
        Check.required("device", device);
        if (!device.matches(DEVICE_PATTERN)) {
            throw new ConfigValueException(
                    "device", "must be auto, cpu, gpu or gpu:N, got '" + device + "'");
        }
        Check.atLeast("log_every", logEvery, 1);
        Check.required("nan_policy", nanPolicy);
        Check.required("share_prompts", sharePrompts);
        if (threads != null) {
            Check.atLeast("threads", threads, 1);
        }
        Check.required("precision", precision);
        if (precision == Precision.BF16) {
            throw new ConfigValueException("precision", "bf16 is not supported: DJL " + DJL_VERSION
                    + "'s PyTorch engine has no bfloat16 tensors (creating one ends the JVM); use fp16 or fp32"
                    + " (bf16 checkpoints still load, as float32)");
        }
    }

    /** The DJL version whose engine lacks bfloat16, for the refusal. */
    private static final String DJL_VERSION = "0.35.1";

    /** The loop with the engine's default threads, in float32. */
    public TrainConfig(Integer batchSize, Integer gradientAccumulationSteps, Integer maxSteps, Integer epochs,
            Boolean groupByLength, Long seed, String device, Integer logEvery, NanPolicy nanPolicy,
            Boolean sharePrompts) {
        this(batchSize, gradientAccumulationSteps, maxSteps, epochs, groupByLength, seed, device, logEvery, nanPolicy,
                sharePrompts, null, Precision.FP32);
    }

    /** The loop with shared prompts. */
    public TrainConfig(Integer batchSize, Integer gradientAccumulationSteps, Integer maxSteps, Integer epochs,
            Boolean groupByLength, Long seed, String device, Integer logEvery, NanPolicy nanPolicy) {
        this(batchSize, gradientAccumulationSteps, maxSteps, epochs, groupByLength, seed, device, logEvery, nanPolicy,
                true);
    }

    /** The loop with {@code nan_policy: stop}. */
    public TrainConfig(Integer batchSize, Integer gradientAccumulationSteps, Integer maxSteps, Integer epochs,
            Boolean groupByLength, Long seed, String device, Integer logEvery) {
        this(batchSize, gradientAccumulationSteps, maxSteps, epochs, groupByLength, seed, device, logEvery, NanPolicy.STOP);
    }

    /** Whether a non-finite step is skipped rather than ending the run. */
    public boolean skipsNonFiniteSteps() {
        return nanPolicy == NanPolicy.SKIP_STEP;
    }
}
