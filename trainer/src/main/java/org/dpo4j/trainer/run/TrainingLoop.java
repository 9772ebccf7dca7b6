package org.dpo4j.trainer.run;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsLog;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.metrics.MetricsWindow;
import org.dpo4j.trainer.metrics.PhaseClock;
import org.dpo4j.trainer.metrics.StepPhase;
import org.dpo4j.trainer.model.Autocast;
import org.dpo4j.trainer.optim.AdamW;
import org.dpo4j.trainer.optim.GlobalNormClipper;
import org.dpo4j.trainer.optim.LearningRateSchedule;
import org.dpo4j.trainer.optim.LossScaler;
import org.dpo4j.trainer.scoring.BatchPlan;
import org.dpo4j.trainer.scoring.Evaluator;
import org.dpo4j.trainer.scoring.PreferenceScorer;

/**
 * The optimisation loop. Each optimizer step runs in one {@link NDScope}, so every array it
 * creates (batch, activations, gradient handles, temporaries) is freed when the step ends and
 * native memory stays flat; parameters and optimizer state live outside it.
 *
 * <p>One step, with the loss as it applies at that step ({@link PreferenceScorer#atStep}): for each of {@code gradient_accumulation_steps} micro-batches, the reference
 * log-probs (no gradient; live or precomputed), then the policy forward and the loss inside a gradient collector,
 * back-propagating loss / accumulation steps; then the global gradient norm (logged before
 * clipping), clipping, and an AdamW update at the schedule's learning rate.
 *
 * <p>After the step: its log line, its evaluation, then its checkpoint, each when the cadence
 * says; a checkpoint therefore holds everything up to and including its step, and a run resumed
 * from it ({@link #restore}) writes the same lines the uninterrupted run would have. A
 * {@link StopSignal} is looked at after that, so a stop always leaves a checkpoint of the last
 * step. A non-finite loss or gradient norm fails the run before anything of that step is logged
 * or saved, or, with {@code skip_step}, discards the step's update ({@link Safeguards}).
 */
public final class TrainingLoop {

    /** The parts a loop needs. */
    public record Parts(
            PreferenceScorer scorer,
            Batcher batcher,
            PairSampler sampler,
            AdamW optimizer,
            List<NDArray> parameters,
            LearningRateSchedule schedule,
            Evaluator evaluator,
            NDManager manager,
            StepPrecision precision) {

        /** The parts of a float32 loop. */
        public Parts(PreferenceScorer scorer, Batcher batcher, PairSampler sampler, AdamW optimizer,
                List<NDArray> parameters, LearningRateSchedule schedule, Evaluator evaluator, NDManager manager) {
            this(scorer, batcher, sampler, optimizer, parameters, schedule, evaluator, manager, new StepPrecision.Fp32());
        }
    }

    /** The loop's cadence, from the config. */
    public record Cadence(int maxSteps, int accumulationSteps, int logEvery, int evalEvery, double maxGradNorm) {}

    /**
     * Checkpoints, stop requests and the NaN policy.
     *
     * @param checkpoints   writes {@code checkpoints/step-N}
     * @param saveEvery     steps between checkpoints ({@code save.every}); 0: none but on a stop
     * @param stop          polled after each step
     * @param skipNonFinite {@code train.nan_policy: skip_step}
     * @param run           what a checkpoint records besides the loop's own counters
     */
    public record Safeguards(CheckpointWriter checkpoints, int saveEvery, StopSignal stop, boolean skipNonFinite,
            TrainerState.Run run) {}

    /** The loss scale after the step, logged in fp16 runs (GradScaler's {@code get_scale()}). */
    static final String LOSS_SCALE = "loss_scale";

    private final Parts parts;
    private final Cadence cadence;
    private final Safeguards safeguards;
    private final IntConsumer afterStep;
    private final MetricsWindow window = new MetricsWindow();
    private int stepsDone;
    private int skippedSteps;
    private long tokensSeen;

    /** @param afterStep called after each optimizer step with its 1-based number (TR-DPO's reference sync) */
    public TrainingLoop(Parts parts, Cadence cadence, Safeguards safeguards, IntConsumer afterStep) {
        this.parts = parts;
        this.cadence = cadence;
        this.safeguards = safeguards;
        this.afterStep = afterStep;
    }

    /** Continues from a checkpoint's counters, data position and open logging window. */
    void restore(TrainerState state) {
        stepsDone = state.step();
        skippedSteps = state.skippedSteps();
        tokensSeen = state.tokensSeen();
        window.restore(state.logWindow());
        parts.sampler().seek(state.data());
        // an fp16 run goes on with its scale; one resumed from a float32 checkpoint starts afresh
        if (state.lossScaler() != null) {
            parts.precision().scaler().ifPresent(s -> s.restore(state.lossScaler()));
        }
    }

    /** Steps whose update {@code skip_step} discarded. */
    int skippedSteps() {
        return skippedSteps;
    }

    /**
     * Runs the remaining steps, logs, evaluates, checkpoints; returns the final evaluation.
     *
     * @throws TrainingFailedException      on a non-finite loss or gradient norm with {@code stop}
     * @throws TrainingInterruptedException when the stop signal was raised before the last step
     */
    MetricsRecord run(MetricsLog log, TrainingListener listener) {
        for (int step = stepsDone; step < cadence.maxSteps(); step++) {
            int completed = step + 1;
            double lr = parts.schedule().lr(step);
            long tokensBefore = tokensSeen;
            double gradNorm = optimizerStep(completed, lr, PhaseClock.NONE);
            afterStep.accept(completed);
            stepsDone = completed;
            listener.onStep(completed, tokensSeen - tokensBefore);
            if (completed % cadence.logEvery() == 0 || completed == cadence.maxSteps()) {
                MetricsRecord record = trainRecord(completed, gradNorm, lr);
                log.write(record);
                listener.onLog(record);
            }
            if (cadence.evalEvery() > 0 && completed % cadence.evalEvery() == 0 && completed != cadence.maxSteps()) {
                evaluate(completed, log, listener);
            }
            boolean stopping = safeguards.stop().isRequested() && completed != cadence.maxSteps();
            boolean due = safeguards.saveEvery() > 0 && completed % safeguards.saveEvery() == 0
                    && completed != cadence.maxSteps();
            if (stopping || due) {
                Path folder = checkpoint(log, listener);
                if (stopping) {
                    throw new TrainingInterruptedException(completed, folder);
                }
            }
        }
        MetricsRecord finalEval = evaluate(cadence.maxSteps(), log, listener);
        if (safeguards.saveEvery() > 0) {
            checkpoint(log, listener);
        }
        return finalEval;
    }

    /**
     * One optimizer step over the accumulated micro-batches; returns the gradient norm before
     * clipping (non-finite for a skipped step). {@code clock} is told as each phase ends
     * ({@code dpo4j bench} times them; training passes {@link PhaseClock#NONE}).
     */
    public double optimizerStep(int stepNumber, double lr, PhaseClock clock) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<Map<String, Double>> metrics = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            String fault = null;
            // the loss of this step: its schedule (WRPO's α ramp) reads the 0-based optimizer step
            PreferenceScorer scorer = parts.scorer().atStep(stepNumber - 1L);
            // fp16: backward runs on loss·S, so every gradient is S·g until unscaled below
            double lossScale = parts.precision().lossScale();
            for (int micro = 0; micro < cadence.accumulationSteps(); micro++) {
                List<TokenizedPair> pairs = parts.sampler().next();
                Batch batch = parts.batcher().batch(pairs);
                tokensSeen += batch.realTokens();
                if (fault != null) {
                    continue; // a skipped step still consumes its batches: the data position advances
                }
                Map<String, Double> scoredMetrics;
                // the micro-batch's activations are freed before the next one starts; only the
                // gradients, accumulated in the parameters, carry over
                try (NDScope microScope = new NDScope();
                        Autocast.Scope cast = Autocast.enter(parts.precision().matmul())) {
                    microScope.suppressNotUsedWarning();
                    Batch.Tensors tensors = batch.toTensors(parts.manager());
                    clock.lap(StepPhase.DATA);
                    BatchPlan plan = scorer.plan(tensors, pairs.size());
                    PreferenceScorer.ReferencePass reference = scorer.reference(pairs, tensors, plan);
                    clock.lap(StepPhase.REFERENCE_FORWARD);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        PreferenceScorer.Scored scored = scorer.score(tensors, plan, reference, pairs.size(), clock);
                        scored.backward(collector, cadence.accumulationSteps(), lossScale);
                        scoredMetrics = scored.metrics();
                        clock.lap(StepPhase.POLICY_BACKWARD);
                    }
                }
                double loss = scoredMetrics.get(MetricNames.LOSS);
                if (!Double.isFinite(loss)) {
                    fault = "the loss is " + nonFinite(loss);
                    failUnlessSkipping(stepNumber, fault);
                }
                metrics.add(scoredMetrics);
                sizes.add(pairs.size());
            }
            double scaledNorm = fault == null ? GlobalNormClipper.globalNorm(parts.parameters()) : Double.NaN;
            Optional<LossScaler> scaler = parts.precision().scaler();
            if (fault == null && scaler.isPresent() && LossScaler.overflowed(scaledNorm)) {
                // a float16 overflow, not a fault: GradScaler skips the update and backs off
                scaler.get().update(true);
                parts.optimizer().zeroGradients();
                for (int i = 0; i < metrics.size(); i++) {
                    window.add(metrics.get(i), sizes.get(i));
                }
                return Double.NaN;
            }
            // unscaled: S is a power of two, so ‖S·g‖ / S is the norm of g (and 1/S in AdamW's
            // gradient factor below is GradScaler's unscale_, exact in float32)
            double norm = scaledNorm / lossScale;
            if (fault == null && !Double.isFinite(norm)) {
                fault = "the gradient norm is " + nonFinite(norm);
                failUnlessSkipping(stepNumber, fault);
            }
            if (fault != null) {
                parts.optimizer().zeroGradients();
                skippedSteps++;
                return norm;
            }
            for (int i = 0; i < metrics.size(); i++) {
                window.add(metrics.get(i), sizes.get(i));
            }
            scaler.ifPresent(sc -> sc.update(false));
            parts.optimizer().step(lr, GlobalNormClipper.scale(norm, cadence.maxGradNorm()) / lossScale);
            clock.lap(StepPhase.OPTIMIZER);
            return norm;
        }
    }

    private void failUnlessSkipping(int stepNumber, String fault) {
        if (!safeguards.skipNonFinite()) {
            throw new TrainingFailedException("training failed at step " + stepNumber + ": " + fault);
        }
    }

    /** {@code NaN}, {@code Inf} or {@code -Inf}. */
    public static String nonFinite(double value) {
        return Double.isNaN(value) ? "NaN" : value > 0 ? "Inf" : "-Inf";
    }

    private MetricsRecord trainRecord(int step, double gradNorm, double lr) {
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Double> means = window.means("");
        Double loss = means.remove(MetricNames.LOSS);
        if (loss != null) {
            values.put(MetricNames.LOSS, loss);
        }
        if (Double.isFinite(gradNorm)) {
            values.put(MetricNames.GRAD_NORM, gradNorm);
        }
        values.put(MetricNames.LEARNING_RATE, lr);
        parts.precision().scaler().ifPresent(sc -> values.put(LOSS_SCALE, sc.scale()));
        values.put(MetricNames.EPOCH, parts.sampler().epoch());
        values.put(MetricNames.NUM_TOKENS, (double) tokensSeen);
        if (safeguards.skipNonFinite()) {
            values.put(MetricNames.SKIPPED_STEPS, (double) skippedSteps);
        }
        values.putAll(means);
        window.clear();
        return new MetricsRecord(step, values);
    }

    private MetricsRecord evaluate(int step, MetricsLog log, TrainingListener listener) {
        MetricsRecord record;
        // with the loss of the step just taken, as training used it (WRPO's α ramp); step 0: the first's
        try (Autocast.Scope cast = Autocast.enter(parts.precision().matmul())) {
            record = parts.evaluator().atStep(step - 1L).evaluate(step, parts.manager());
        }
        log.write(record);
        listener.onEval(record);
        return record;
    }

    private Path checkpoint(MetricsLog log, TrainingListener listener) {
        TrainerState state = safeguards.run().stateAt(stepsDone, skippedSteps, parts.sampler().position(),
                tokensSeen, window.sums(), log.size(), parts.precision().scaler().map(LossScaler::state).orElse(null));
        Path folder = safeguards.checkpoints().write(state);
        listener.onCheckpoint(stepsDone, folder);
        return folder;
    }
}
