package org.dpo4j.trainer;

import java.nio.file.Path;
import org.dpo4j.trainer.config.RunConfig;

/** Trains a policy on preference pairs as a {@link RunConfig} says. */
public final class DpoTrainer {

    private DpoTrainer() {}

    /**
     * Runs training and the final evaluation, writing {@code metrics.jsonl} into {@code runDir}.
     *
     * @param config   the resolved run config
     * @param runDir   an existing directory for the run's files
     * @param listener progress receiver
     * @return the summary with the final held-out evaluation
     * @throws UserInputException when data or paths named by the config are unusable
     */
    public static TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener) {
        throw new IllegalStateException("in progress");
    }
}
