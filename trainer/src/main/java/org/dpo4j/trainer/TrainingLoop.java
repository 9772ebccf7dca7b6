package org.dpo4j.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.dpo4j.losses.Constants;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.optim.AdamW;
import org.dpo4j.trainer.optim.GlobalNormClipper;
import org.dpo4j.trainer.optim.LearningRateSchedule;

/**
 * The optimisation loop. Each optimizer step runs in one {@link NDScope}, so every array it
 * creates (batch, activations, gradient handles, temporaries) is freed when the step ends and
 * native memory stays flat; parameters and optimizer state live outside it.
 *
 * <p>One step: for each of {@code gradient_accumulation_steps} micro-batches, the reference
 * log-probs (no gradient; live or precomputed), then the policy forward and the loss inside a gradient collector,
 * back-propagating loss / accumulation steps; then the global gradient norm (logged before
 * clipping), clipping, and an AdamW update at the schedule's learning rate.
 */
final class TrainingLoop {

    /** The parts a loop needs. */
    record Parts(
            PreferenceScorer scorer,
            Batcher batcher,
            PairSampler sampler,
            AdamW optimizer,
            List<NDArray> parameters,
            LearningRateSchedule schedule,
            Evaluator evaluator,
            NDManager manager) {}

    /** The loop's cadence, from the config. */
    record Cadence(int maxSteps, int accumulationSteps, int logEvery, int evalEvery, double maxGradNorm) {}

    private final Parts parts;
    private final Cadence cadence;
    private final IntConsumer afterStep;
    private final MetricsWindow window = new MetricsWindow();
    private long tokensSeen;

    TrainingLoop(Parts parts, Cadence cadence) {
        this(parts, cadence, step -> {});
    }

    /** @param afterStep called after each optimizer step with its 1-based number (TR-DPO's reference sync) */
    TrainingLoop(Parts parts, Cadence cadence, IntConsumer afterStep) {
        this.parts = parts;
        this.cadence = cadence;
        this.afterStep = afterStep;
    }

    /** Runs every step, logs, evaluates; returns the final evaluation. */
    MetricsRecord run(MetricsLog log, TrainingListener listener) {
        for (int step = 0; step < cadence.maxSteps(); step++) {
            int completed = step + 1;
            double lr = parts.schedule().lr(step);
            double gradNorm = optimizerStep(completed, lr);
            afterStep.accept(completed);
            listener.onStep(completed);
            if (completed % cadence.logEvery() == 0 || completed == cadence.maxSteps()) {
                MetricsRecord record = trainRecord(completed, gradNorm, lr);
                log.write(record);
                listener.onLog(record);
            }
            if (cadence.evalEvery() > 0 && completed % cadence.evalEvery() == 0 && completed != cadence.maxSteps()) {
                evaluate(completed, log, listener);
            }
        }
        return evaluate(cadence.maxSteps(), log, listener);
    }

    /** One optimizer step over the accumulated micro-batches; returns the gradient norm before clipping. */
    private double optimizerStep(int stepNumber, double lr) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int micro = 0; micro < cadence.accumulationSteps(); micro++) {
                List<TokenizedPair> pairs = parts.sampler().next();
                Batch batch = parts.batcher().batch(pairs);
                tokensSeen += batch.realTokens();
                Batch.Tensors tensors = batch.toTensors(parts.manager());
                PreferenceScorer.ReferencePass reference = parts.scorer().reference(pairs, tensors);
                PreferenceScorer.Scored scored;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    scored = parts.scorer().score(tensors, reference, pairs.size());
                    collector.backward(Constants.dividedBy(scored.output().loss(), cadence.accumulationSteps()));
                }
                double loss = scored.metrics().get(MetricNames.LOSS);
                if (!Double.isFinite(loss)) {
                    throw new TrainingFailedException("step " + stepNumber + ": the loss is " + loss);
                }
                window.add(scored.metrics(), pairs.size());
            }
            double norm = GlobalNormClipper.globalNorm(parts.parameters());
            if (!Double.isFinite(norm)) {
                throw new TrainingFailedException("step " + stepNumber + ": the gradient norm is " + norm);
            }
            parts.optimizer().step(lr, GlobalNormClipper.scale(norm, cadence.maxGradNorm()));
            return norm;
        }
    }

    private MetricsRecord trainRecord(int step, double gradNorm, double lr) {
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Double> means = window.means("");
        values.put(MetricNames.LOSS, means.remove(MetricNames.LOSS));
        values.put(MetricNames.GRAD_NORM, gradNorm);
        values.put(MetricNames.LEARNING_RATE, lr);
        values.put(MetricNames.EPOCH, parts.sampler().epoch());
        values.put(MetricNames.NUM_TOKENS, (double) tokensSeen);
        values.putAll(means);
        window.clear();
        return new MetricsRecord(step, values);
    }

    private MetricsRecord evaluate(int step, MetricsLog log, TrainingListener listener) {
        MetricsRecord record = parts.evaluator().evaluate(step, parts.manager());
        log.write(record);
        listener.onEval(record);
        return record;
    }
}
