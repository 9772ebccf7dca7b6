package org.dpo4j.trainer.run;

import org.dpo4j.trainer.data.DataReport;

/**
 * What a run is about to do.
 *
 * @param maxSteps        optimizer steps: {@code train.max_steps}, or computed from {@code train.epochs}
 * @param trainPairs      training pairs after tokenization and filtering
 * @param evalPairs       held-out pairs
 * @param parameterCount  trainable parameters of the policy
 * @param device          where tensors live, e.g. {@code cpu()}
 * @param model           what is trained, e.g. {@code llama preset tiny} or {@code qwen2 from DIR}
 * @param data            what the data pipeline did (skipped and dropped records, truncation)
 */
public record RunPlan(int maxSteps, int trainPairs, int evalPairs, long parameterCount, String device, String model, DataReport data) {}
