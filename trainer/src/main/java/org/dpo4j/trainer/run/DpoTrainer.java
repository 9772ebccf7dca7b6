package org.dpo4j.trainer.run;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.checkpoint.StepCheckpoints;
import org.dpo4j.trainer.common.DjlEnvironment;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.data.EpochSteps;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.hub.ModelFolders;
import org.dpo4j.trainer.metrics.MetricsLog;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.reference.ReferenceCacheDir;
import org.dpo4j.trainer.scoring.Evaluator;
import org.dpo4j.trainer.scoring.PairResultsWriter;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * Trains a policy on preference pairs as a {@link RunConfig} says. {@link #create} builds the
 * tokenizer, the data, the policy (a Hugging Face folder, or a preset initialised from
 * {@code train.seed}), its frozen reference, the loss and the optimizer; {@link #run} runs the
 * {@link TrainingLoop}, the final evaluation, and saves the policy as a Hugging Face folder in
 * {@code final/}. With {@link RunOptions}, it writes checkpoints ({@code save.every}), continues
 * from one ({@link ResumePoint}) and stops early with one when asked ({@link StopSignal}).
 * Closing frees all native memory.
 */
public final class DpoTrainer implements AutoCloseable {

    private final RunAssembly assembly;
    private final TextTokenizer tokenizer;
    private final ModelWeights policyWeights;
    private final TrainingLoop loop;
    private final PolicySaver saver;
    private final RunPlan plan;
    private final Path runDir;
    private final ResumePoint resume;
    private final ReferenceSetup reference;

    private DpoTrainer(RunAssembly assembly, TextTokenizer tokenizer, ModelWeights policyWeights, TrainingLoop loop,
            PolicySaver saver, RunPlan plan, Path runDir, ResumePoint resume, ReferenceSetup reference) {
        this.assembly = assembly;
        this.tokenizer = tokenizer;
        this.policyWeights = policyWeights;
        this.loop = loop;
        this.saver = saver;
        this.plan = plan;
        this.runDir = runDir;
        this.resume = resume;
        this.reference = reference;
    }

    /**
     * Builds everything a run needs, without training.
     *
     * @param config   the resolved run config
     * @param runDir   an existing directory for the run's files
     * @param warnings receives one line per thing the user should know before training
     * @throws UserInputException when data, models or paths named by the config are unusable
     */
    public static DpoTrainer create(RunConfig config, Path runDir, Consumer<String> warnings) {
        return create(config, runDir, warnings, RunOptions.none());
    }

    /**
     * Builds everything a run needs, without training; with {@code options.resume()}, puts the
     * checkpoint's weights, optimizer state and counters back so that {@link #run} continues.
     *
     * @throws UserInputException when data, models or paths named by the config are unusable, or
     *     the checkpoint does not belong to this config, data or run directory
     */
    public static DpoTrainer create(RunConfig config, Path runDir, Consumer<String> warnings, RunOptions options) {
        return create(config, runDir, warnings, options, ReferenceCacheDir.fromSystem());
    }

    /** @param referenceCache the folder of {@code reference.precompute}'s cache files */
    public static DpoTrainer create(RunConfig config, Path runDir, Consumer<String> warnings, Path referenceCache) {
        return create(config, runDir, warnings, RunOptions.none(), referenceCache);
    }

    private static DpoTrainer create(
            RunConfig config, Path runDir, Consumer<String> warnings, RunOptions options, Path referenceCache) {
        ResumePoint resume = options.resume();
        if (resume != null) {
            resume.checkConfig(config);
            resume.checkTarget(runDir);
        }
        DjlEnvironment.configure();
        TrainConfig train = config.train();
        Path policyFolder = ModelFolders.resolve(config.model().path(), "model.path");
        TextTokenizer tokenizer = RunModels.tokenizer(policyFolder);
        RunAssembly assembly = null;
        try {
            PreparedData all = PreparedData.prepare(config.data(),
                    config.loss().create().requirements().completions(), tokenizer, policyFolder, train.seed());
            PreparedData data = options.firstPairs() > 0 ? all.first(options.firstPairs()) : all;
            int maxSteps = train.maxSteps() != null
                    ? train.maxSteps()
                    : EpochSteps.maxSteps(
                            train.epochs(), data.train().size(), train.batchSize(), train.gradientAccumulationSteps());
            if (resume != null) {
                resume.checkRun(data.train().size(), maxSteps, train.batchSize(), train.gradientAccumulationSteps());
            }
            assembly = RunAssembly.open(config, tokenizer.padId(), warnings);
            RunModels models = assembly.models(
                    manager -> RunModels.load(config, policyFolder, tokenizer, manager, warnings));
            ModelWeights policyWeights = models.policy().weights();
            PolicySaver saver = PolicySaver.create(config.output(), models.policy().architecture(), tokenizer, policyFolder);
            AssembledRun run = assembly.finish(new ReferencePlan.Cached(data, tokenizer.padId(), referenceCache), maxSteps);
            PreferenceLoss loss = run.loss();
            ReferenceSetup reference = run.reference();
            TrainingLoop loop = new TrainingLoop(
                    run.loopParts(
                            new PairSampler(data.train(), train.batchSize(), train.groupByLength(), train.seed()),
                            new Evaluator(run.scorer(), run.batcher(), data.eval(), train.batchSize(),
                                    new PairResultsWriter(runDir.resolve(PairResultsWriter.FOLDER), loss.pairLossesBelongToPairs()))),
                    new TrainingLoop.Cadence(
                            maxSteps, train.gradientAccumulationSteps(), train.logEvery(),
                            config.eval().every(), config.optim().maxGradNorm()),
                    assembly.safeguards(
                            new CheckpointWriter(runDir, config.save().keepLast(), saver, policyWeights, run.optimizer(),
                                    reference.syncedWeights()),
                            options.stop(),
                            new TrainerState.Run(maxSteps, data.train().size(), ConfigFingerprint.of(config), loss)),
                    reference::afterStep);
            if (resume != null) {
                resume.restore(policyWeights, reference.syncedWeights(), run.optimizer(), loss, run.manager());
                loop.restore(resume.state());
            }
            RunPlan plan = new RunPlan(
                    maxSteps, data.train().size(), data.eval().size(), policyWeights.parameterCount(),
                    assembly.device().toString(), describe(config, models), data.report());
            return new DpoTrainer(assembly, tokenizer, policyWeights, loop, saver, plan, runDir, resume, reference);
        } catch (RuntimeException e) {
            if (assembly != null) {
                assembly.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    /** E.g. {@code llama preset tiny} or {@code qwen2 from models/Qwen2.5-0.5B}. */
    private static String describe(RunConfig config, RunModels models) {
        String type = models.policy().architecture().modelType();
        return models.policyFolder() == null
                ? type + " preset " + config.model().preset()
                : type + " from " + models.policyFolder();
    }

    /**
     * Builds and runs in one call, freeing everything afterwards.
     *
     * @see #create
     * @see #run
     */
    public static TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener) {
        return train(config, runDir, listener, RunOptions.none());
    }

    /**
     * Builds and runs in one call, resuming or stoppable as {@code options} say, freeing
     * everything afterwards.
     *
     * @see #create(RunConfig, Path, Consumer, RunOptions)
     * @see #run
     */
    public static TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener, RunOptions options) {
        try (DpoTrainer trainer = create(config, runDir, listener::onWarning, options)) {
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

    /** The reference's weights (TR-DPO updates them in place; closed when precomputed values replace them). */
    public ModelWeights referenceWeights() {
        return reference.referenceWeights();
    }

    /** Reference forward passes so far, precomputation included. */
    public long referenceForwards() {
        return reference.forwards();
    }

    /**
     * Native arrays alive in this run's managers: parameters, reference copy and optimizer
     * state, plus whatever a step failed to free. Constant from step to step when memory is flat.
     */
    public int liveArrays() {
        return assembly.liveArrays();
    }

    /**
     * Trains, evaluates at the end, writes {@code metrics.jsonl} into the run directory (appending
     * to the checkpoint's lines when resuming) and saves the policy in {@code final/}.
     *
     * @throws TrainingFailedException      when training diverges (a NaN loss or gradient) and
     *                                      {@code train.nan_policy} is {@code stop}
     * @throws TrainingInterruptedException when the run's stop signal ended it early, after a checkpoint
     */
    public TrainingSummary run(TrainingListener listener) {
        listener.onStart(plan);
        try (MetricsLog log = openLog(listener)) {
            long start = System.nanoTime();
            MetricsRecord finalEval = loop.run(log, listener);
            double seconds = (System.nanoTime() - start) / 1e9;
            Path finalModel = runDir.resolve(PolicySaver.FINAL);
            saver.save(finalModel, policyWeights);
            return new TrainingSummary(runDir, plan.maxSteps(), seconds, finalEval, finalModel, loop.skippedSteps());
        }
    }

    /** A new log starting with the data record, or the checkpoint's lines to append to. */
    private MetricsLog openLog(TrainingListener listener) {
        if (resume == null) {
            MetricsLog log = new MetricsLog(runDir);
            log.write(new MetricsRecord(0, plan.data().metrics()));
            return log;
        }
        if (resume.runDir() == null) {
            listener.onWarning("warning: " + resume.folder() + " is not in a run directory's " + StepCheckpoints.DIR
                    + "/ folder, so there are no earlier metrics; " + MetricsLog.FILE_NAME + " starts at step "
                    + (resume.step() + 1));
            return new MetricsLog(runDir);
        }
        return MetricsLog.resume(runDir, resume.runDir().resolve(MetricsLog.FILE_NAME), resume.state().metricsBytes());
    }

    @Override
    public void close() {
        assembly.close();
        tokenizer.close();
    }
}
