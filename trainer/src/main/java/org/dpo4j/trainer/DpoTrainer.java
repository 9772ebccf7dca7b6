package org.dpo4j.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.config.OptimConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.ScheduleConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelPresets;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.optim.AdamW;
import org.dpo4j.trainer.optim.LearningRateSchedule;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * Trains a policy on preference pairs as a {@link RunConfig} says. {@link #create} builds the
 * data, the policy (a preset initialised from {@code train.seed}), its frozen reference copy,
 * the loss and the optimizer; {@link #run} runs the {@link TrainingLoop} and the final
 * evaluation. Closing frees all native memory.
 */
public final class DpoTrainer implements AutoCloseable {

    private final NDManager manager;
    private final ModelWeights policyWeights;
    private final TrainingLoop loop;
    private final RunPlan plan;
    private final Path runDir;

    private DpoTrainer(NDManager manager, ModelWeights policyWeights, TrainingLoop loop, RunPlan plan, Path runDir) {
        this.manager = manager;
        this.policyWeights = policyWeights;
        this.loop = loop;
        this.plan = plan;
        this.runDir = runDir;
    }

    /**
     * Builds everything a run needs, without training.
     *
     * @param config the resolved run config
     * @param runDir an existing directory for the run's files
     * @throws UserInputException when data or paths named by the config are unusable
     */
    public static DpoTrainer create(RunConfig config, Path runDir) {
        DjlEnvironment.configure();
        TrainConfig train = config.train();
        TextTokenizer tokenizer = new ByteTokenizer();
        PreparedData data = PreparedData.prepare(config.data(), tokenizer, train.seed());
        Device device = Devices.resolve(train.device());
        NDManager manager = NDManager.newBaseManager(device);
        try {
            ModelArchitecture arch = ModelPresets.of(config.model().arch(), config.model().preset(), tokenizer.vocabSize());
            ModelWeights policyWeights = ModelInitializer.randomWeights(arch, train.seed(), manager);
            ModelWeights referenceWeights = policyWeights.copy(manager);
            policyWeights.requireGradients();
            PreferenceLoss loss = LossFactory.create(config.loss());
            PreferenceScorer scorer = new PreferenceScorer(
                    CausalLm.of(arch, policyWeights), CausalLm.of(arch, referenceWeights), loss);
            Batcher batcher = new Batcher(tokenizer.padId());
            OptimConfig optim = config.optim();
            ScheduleConfig schedule = config.schedule();
            TrainingLoop loop = new TrainingLoop(
                    new TrainingLoop.Parts(
                            scorer,
                            batcher,
                            new PairSampler(data.train(), train.batchSize(), train.seed()),
                            new AdamW(policyWeights.list(), manager, optim.beta1(), optim.beta2(), optim.eps(), optim.weightDecay()),
                            policyWeights.list(),
                            LearningRateSchedule.of(
                                    schedule.type(), optim.lr(), schedule.warmupSteps(), schedule.warmupRatio(), train.maxSteps()),
                            new Evaluator(scorer, batcher, data.eval(), train.batchSize()),
                            manager),
                    new TrainingLoop.Cadence(
                            train.maxSteps(), train.gradientAccumulationSteps(), train.logEvery(),
                            config.eval().every(), optim.maxGradNorm()));
            RunPlan plan = new RunPlan(
                    train.maxSteps(), data.train().size(), data.eval().size(), policyWeights.parameterCount(), device.toString());
            return new DpoTrainer(manager, policyWeights, loop, plan, runDir);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Builds and runs in one call, freeing everything afterwards.
     *
     * @see #create
     * @see #run
     */
    public static TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener) {
        try (DpoTrainer trainer = create(config, runDir)) {
            return trainer.run(listener);
        }
    }

    /** What {@link #run} will do. */
    public RunPlan plan() {
        return plan;
    }

    /** The policy's weights (trained in place by {@link #run}). */
    public ModelWeights policyWeights() {
        return policyWeights;
    }

    /**
     * Native arrays alive in this run's managers: parameters, reference copy and optimizer
     * state, plus whatever a step failed to free. Constant from step to step when memory is flat.
     */
    public int liveArrays() {
        return manager.getManagedArrays().size();
    }

    /**
     * Trains, evaluates at the end, and writes {@code metrics.jsonl} into the run directory.
     *
     * @throws TrainingFailedException when training diverges (a NaN loss or gradient)
     */
    public TrainingSummary run(TrainingListener listener) {
        listener.onStart(plan);
        try (MetricsLog log = new MetricsLog(runDir)) {
            long start = System.nanoTime();
            MetricsRecord finalEval = loop.run(log, listener);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new TrainingSummary(runDir, plan.maxSteps(), seconds, finalEval);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
