package org.dpo4j.trainer;

import java.nio.file.Path;

/**
 * The outcome of a finished run.
 *
 * @param runDir       the run directory
 * @param steps        optimizer steps taken
 * @param trainSeconds wall time of the training loop (model build and data excluded)
 * @param finalEval    the held-out evaluation after the last step ({@code eval/} names)
 * @param finalModel   the trained policy, a Hugging Face folder
 */
public record TrainingSummary(Path runDir, int steps, double trainSeconds, MetricsRecord finalEval, Path finalModel) {}
