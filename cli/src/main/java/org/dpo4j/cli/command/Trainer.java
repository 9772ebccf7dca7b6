package org.dpo4j.cli.command;

import java.nio.file.Path;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.RunOptions;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.run.TrainingSummary;

/** The training entry point the {@code train} command calls; see {@code DpoTrainer.train}. */
@FunctionalInterface
public interface Trainer {

    /** The real trainer, resuming and stopping as the options say. */
    Trainer DJL = new Trainer() {
        @Override
        public TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener) {
            return DpoTrainer.train(config, runDir, listener);
        }

        @Override
        public TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener, RunOptions options) {
            return DpoTrainer.train(config, runDir, listener, options);
        }
    };

    TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener);

    /**
     * Trains with a checkpoint to resume from and a stop signal. A trainer that implements only
     * the method above (a test double) cannot be stopped and refuses to resume.
     */
    default TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener, RunOptions options) {
        if (options.resume() != null) {
            throw new UnsupportedOperationException(getClass().getName() + " cannot resume a run");
        }
        return train(config, runDir, listener);
    }
}
