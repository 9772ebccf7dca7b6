package org.dpo4j.trainer.smoke;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.config.EvalConfig;
import org.dpo4j.trainer.config.ModelConfig;
import org.dpo4j.trainer.config.NanPolicy;
import org.dpo4j.trainer.config.OptimConfig;
import org.dpo4j.trainer.config.OutputConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.SaveConfig;
import org.dpo4j.trainer.config.ScheduleConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.hub.ModelFolders;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.RunCheck;
import org.dpo4j.trainer.run.RunOptions;
import org.dpo4j.trainer.run.RunPlan;
import org.dpo4j.trainer.run.StopSignal;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.run.TrainingSummary;

/**
 * {@code train --smoke}: a fast check of a user's real config for their CI. It reads and checks
 * everything the real run would (the model's config, every safetensors header and tensor shape,
 * the tokenizer, the reference folder, all data records), then trains the same architecture and
 * tokenizer shrunk to a random {@link SmokeArchitecture} for {@value #STEPS} steps on the first
 * {@value #PAIRS} training pairs, with the user's loss and data settings.
 *
 * <p>What is changed, and why: the policy is the shrunk random model (the real weights are only
 * checked, not loaded) and the reference is its copy, because a real reference does not fit a
 * shrunk policy; the learning rate is {@value #LR}, constant, because the user's rate for a
 * pretrained model would not move a random one in a few dozen steps; batches of at most
 * {@value #MAX_BATCH} pairs without accumulation, a log line every step, evaluation and
 * checkpoints only at the end, {@code train.nan_policy: stop}.
 *
 * <p>It passes when training and the final evaluation finish with finite values and the loss
 * falls: the mean training loss of the last {@value #WINDOW} steps is below that of the first
 * {@value #WINDOW}.
 */
public final class SmokeRun {

    static final int STEPS = 30;
    static final int PAIRS = 64;
    static final int MAX_BATCH = 4;
    static final double LR = 1e-3;
    static final int WINDOW = 5;
    /** The shrunk model's folder inside the run directory. */
    public static final String MODEL_FOLDER = "smoke-model";

    private SmokeRun() {}

    /**
     * What the smoke run found.
     *
     * @param model      what was trained, e.g. {@code qwen2 (2 layers, d 64, V 151936) with the tokenizer of models/Qwen}
     * @param plan       steps and pairs of the smoke run
     * @param losses     the training loss of every step
     * @param finalEval  the evaluation after the last step
     * @param summary    the run's summary
     */
    public record Result(String model, RunPlan plan, List<Double> losses, MetricsRecord finalEval, TrainingSummary summary) {

        /** Mean loss of the first {@value SmokeRun#WINDOW} steps. */
        public double firstLoss() {
            return mean(losses.subList(0, Math.min(WINDOW, losses.size())));
        }

        /** Mean loss of the last {@value SmokeRun#WINDOW} steps. */
        public double lastLoss() {
            return mean(losses.subList(Math.max(0, losses.size() - WINDOW), losses.size()));
        }

        /** Every logged and evaluated value is finite. */
        public boolean finite() {
            return losses.stream().allMatch(Double::isFinite)
                    && finalEval.values().values().stream().allMatch(Double::isFinite);
        }

        /** Finite, and the loss fell. */
        public boolean passed() {
            return finite() && lastLoss() < firstLoss();
        }

        private static double mean(List<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }

    /**
     * @param user     the user's resolved config
     * @param runDir   an existing directory for the smoke run's files
     * @param listener progress of the smoke run
     * @throws UserInputException when anything the config names fails to load
     * @throws org.dpo4j.trainer.run.TrainingFailedException when a value becomes NaN or infinite
     */
    public static Result run(RunConfig user, Path runDir, TrainingListener listener) {
        RunCheck check = RunCheck.of(user); // everything the real run reads, without its weights
        Path folder = ModelFolders.resolve(user.model().path(), "model.path");
        ModelConfig model;
        String description;
        if (folder == null) {
            model = new ModelConfig(null, "tiny", user.model().arch());
            description = user.model().arch() + " preset tiny";
        } else {
            ModelArchitecture shrunk = SmokeArchitecture.of(check.policy());
            Path smokeFolder = runDir.resolve(MODEL_FOLDER);
            SmokeModelFolder.write(folder, shrunk, smokeFolder, user.train().seed());
            model = new ModelConfig(smokeFolder.toString(), user.model().preset(), user.model().arch());
            description = shrunk.modelType() + " (" + SmokeArchitecture.LAYERS + " layers, d " + SmokeArchitecture.HIDDEN
                    + ", V " + shrunk.vocabSize() + ") with the tokenizer of " + folder;
        }
        List<Double> losses = new ArrayList<>();
        MetricsRecord[] finalEval = new MetricsRecord[1];
        RunPlan[] started = new RunPlan[1];
        TrainingListener recording = new TrainingListener() {
            @Override
            public void onWarning(String line) {
                listener.onWarning(line);
            }

            @Override
            public void onStart(RunPlan plan) {
                started[0] = plan;
                listener.onStart(plan);
            }

            @Override
            public void onStep(int step, long tokens) {
                listener.onStep(step, tokens);
            }

            @Override
            public void onLog(MetricsRecord record) {
                losses.add(record.get("loss"));
                listener.onLog(record);
            }

            @Override
            public void onEval(MetricsRecord record) {
                finalEval[0] = record;
                listener.onEval(record);
            }
        };
        TrainingSummary summary = DpoTrainer.train(smokeConfig(user, model, runDir), runDir, recording,
                new RunOptions(null, new StopSignal(), PAIRS));
        return new Result(description, started[0], List.copyOf(losses), finalEval[0], summary);
    }

    /** The user's run with the smoke model, steps, learning rate and cadence (see the class comment). */
    static RunConfig smokeConfig(RunConfig user, ModelConfig model, Path runDir) {
        ReferenceConfig r = user.reference();
        OptimConfig o = user.optim();
        TrainConfig t = user.train();
        return new RunConfig(
                model,
                new ReferenceConfig(null, r.precompute(), r.syncEvery(), r.syncAlpha()),
                user.data(),
                user.loss(),
                new OptimConfig(LR, o.betas(), o.eps(), o.weightDecay(), o.maxGradNorm()),
                new ScheduleConfig("constant", 0, 0.0),
                new TrainConfig(Math.min(t.batchSize(), MAX_BATCH), 1, STEPS, null, t.groupByLength(), t.seed(),
                        t.device(), 1, NanPolicy.STOP, t.sharePrompts(), t.threads(), t.precision()),
                new EvalConfig(0),
                new SaveConfig(0, user.save().keepLast()),
                new OutputConfig(runDir.toString(), "f32", user.output().maxShardSize()));
    }
}
