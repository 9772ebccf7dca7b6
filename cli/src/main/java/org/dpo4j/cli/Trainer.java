package org.dpo4j.cli;

import java.nio.file.Path;
import org.dpo4j.trainer.TrainingListener;
import org.dpo4j.trainer.TrainingSummary;
import org.dpo4j.trainer.config.RunConfig;

/** The training entry point the {@code train} command calls; see {@code DpoTrainer.train}. */
@FunctionalInterface
interface Trainer {

    TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener);
}
