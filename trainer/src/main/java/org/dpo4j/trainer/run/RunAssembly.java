package org.dpo4j.trainer.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.function.Consumer;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.common.Devices;
import org.dpo4j.trainer.common.EngineThreads;
import org.dpo4j.trainer.config.OptimConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.ScheduleConfig;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.optim.AdamW;
import org.dpo4j.trainer.optim.LearningRateSchedule;
import org.dpo4j.trainer.scoring.BatchForward;
import org.dpo4j.trainer.scoring.PreferenceScorer;

/**
 * Builds one run from a resolved {@link RunConfig}, in the one order training, the benchmark and
 * evaluation share: {@link #open} makes the loss and the manager on {@code train.device};
 * {@link #models} loads policy and reference from the caller's {@link ModelSource};
 * {@link #finish} makes the batcher, the reference source (the caller's {@link ReferencePlan}),
 * the scorer and, when the run trains, {@link AdamW} over the policy's parameters and the
 * learning-rate schedule; {@link #safeguards} (or {@link #unsavedSafeguards}) gives the training
 * loop its checkpoints, stop request and NaN policy. The order fixes model initialisation and
 * native allocation, so a run's numbers do not depend on who assembled it.
 *
 * <p>It owns the manager, and with it every array of the run: closing frees them all.
 */
public final class RunAssembly implements AutoCloseable {

    private final RunConfig config;
    private final int padId;
    private final Consumer<String> notes;
    private final PreferenceLoss loss;
    private final NDManager manager;
    private final StepPrecision precision;
    private RunModels models;

    private RunAssembly(RunConfig config, int padId, Consumer<String> notes, PreferenceLoss loss, NDManager manager,
            StepPrecision precision) {
        this.config = config;
        this.precision = precision;
        this.padId = padId;
        this.notes = notes;
        this.loss = loss;
        this.manager = manager;
    }

    /**
     * @param config the resolved run config
     * @param padId  the tokenizer's padding id, which the batcher writes
     * @param notes  receives one line per thing the user should know
     * @throws org.dpo4j.trainer.common.UserInputException when the loss settings or {@code train.device} are unusable
     */
    public static RunAssembly open(RunConfig config, int padId, Consumer<String> notes) {
        PreferenceLoss loss = config.loss().create();
        Device device = Devices.resolve(config.train().device());
        StepPrecision precision = StepPrecision.of(config.train().precision(), device);
        EngineThreads.apply(config.train().threads());
        return new RunAssembly(config, padId, notes, loss, NDManager.newBaseManager(device), precision);
    }

    /** The run's loss (made first: whether a caller needs a reference model depends on it). */
    public PreferenceLoss loss() {
        return loss;
    }

    /** The device every array of the run lives on. */
    public Device device() {
        return manager.getDevice();
    }

    /** Loads policy and reference into the run's manager. */
    public RunModels models(ModelSource source) {
        models = source.load(manager);
        return models;
    }

    /** The parts of a run that only scores (evaluation): no optimizer, no schedule. */
    public AssembledRun finish(ReferencePlan reference) {
        return finish(reference, 0, false);
    }

    /**
     * The parts of a run that trains for {@code steps} optimizer steps.
     *
     * @param steps the schedule's length (warm-up ratio and decay are fractions of it)
     */
    public AssembledRun finish(ReferencePlan reference, int steps) {
        return finish(reference, steps, true);
    }

    private AssembledRun finish(ReferencePlan plan, int steps, boolean trains) {
        if (models == null) {
            throw new IllegalStateException("models(...) comes before finish(...)");
        }
        Batcher batcher = new Batcher(padId);
        BatchForward forward = BatchForward.of(config.train().sharePrompts());
        ReferenceSetup reference = plan.setUp(new ReferencePlan.Context(
                config.reference(), models, loss, batcher, config.train().batchSize(), manager, forward, notes));
        PreferenceScorer scorer = new PreferenceScorer(models.policy(), reference.source(), loss, forward);
        AdamW optimizer = null;
        LearningRateSchedule schedule = null;
        if (trains) {
            OptimConfig optim = config.optim();
            ScheduleConfig s = config.schedule();
            ModelWeights weights = models.policy().weights();
            optimizer = new AdamW(weights.trainable().tensors(), manager, optim.beta1(), optim.beta2(), optim.eps(), optim.weightDecay());
            schedule = LearningRateSchedule.of(s.type(), optim.lr(), s.warmupSteps(), s.warmupRatio(), steps);
        }
        return new AssembledRun(manager, models, loss, batcher, forward, reference, scorer, optimizer, schedule,
                precision);
    }

    /**
     * The loop's safeguards for a run that trains and saves: checkpoints every {@code save.every}
     * steps and on a stop request, and {@code train.nan_policy} for a non-finite loss or norm.
     *
     * @param checkpoints writes {@code checkpoints/step-N}
     * @param stop        polled after each step
     * @param state       what a checkpoint records besides the loop's own counters
     */
    public TrainingLoop.Safeguards safeguards(CheckpointWriter checkpoints, StopSignal stop, TrainerState.Run state) {
        return new TrainingLoop.Safeguards(checkpoints, config.save().every(), stop,
                config.train().skipsNonFiniteSteps(), state);
    }

    /**
     * The safeguards of a run that only times its steps ({@code bench}): {@code train.nan_policy}
     * as configured, no checkpoint and no stop request.
     */
    public TrainingLoop.Safeguards unsavedSafeguards() {
        return new TrainingLoop.Safeguards(null, 0, new StopSignal(), config.train().skipsNonFiniteSteps(), null);
    }

    /** Native arrays alive in the run's manager (constant from step to step when memory is flat). */
    public int liveArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
