package org.dpo4j.trainer.run;

import java.nio.file.Path;
import org.dpo4j.trainer.metrics.MetricsRecord;

/**
 * The outcome of a finished run.
 *
 * @param runDir       the run directory
 * @param steps        optimizer steps taken
 * @param trainSeconds wall time of the training loop (model build and data excluded)
 * @param finalEval    the held-out evaluation after the last step ({@code eval/} names)
 * @param finalModel   the trained policy, a Hugging Face folder
 * @param skippedSteps steps whose update {@code train.nan_policy: skip_step} discarded
 */
public record TrainingSummary(
        Path runDir, int steps, double trainSeconds, MetricsRecord finalEval, Path finalModel, int skippedSteps) {

    /** A run that skipped no step. */
    public TrainingSummary(Path runDir, int steps, double trainSeconds, MetricsRecord finalEval, Path finalModel) {
        this(runDir, steps, trainSeconds, finalEval, finalModel, 0);
    }
}
