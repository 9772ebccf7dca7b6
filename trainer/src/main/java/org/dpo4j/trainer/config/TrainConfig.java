package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The loop.
 *
 * @param batchSize                 pairs per micro-batch (2·batchSize rows per forward)
 * @param gradientAccumulationSteps micro-batches per optimizer step
 * @param maxSteps                  optimizer steps
 * @param seed                      seeds model initialisation, data split and shuffling
 * @param device                    {@code auto} (GPU when the engine sees one), {@code cpu},
 *                                  {@code gpu} or {@code gpu:N}
 * @param logEvery                  optimizer steps between metric records
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainConfig(
        Integer batchSize,
        Integer gradientAccumulationSteps,
        Integer maxSteps,
        Long seed,
        String device,
        Integer logEvery) {

    public TrainConfig {
        Check.atLeast("batch_size", batchSize, 1);
        Check.atLeast("gradient_accumulation_steps", gradientAccumulationSteps, 1);
        Check.atLeast("max_steps", maxSteps, 1);
        Check.required("seed", seed);
        Check.required("device", device);
        if (!device.matches("auto|cpu|gpu(:\\d+)?")) {
            throw new ConfigValueException(
                    "device", "must be auto, cpu, gpu or gpu:N, got '" + device + "'");
        }
        Check.atLeast("log_every", logEvery, 1);
    }
}
