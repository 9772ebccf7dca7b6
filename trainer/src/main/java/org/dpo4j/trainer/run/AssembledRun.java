package org.dpo4j.trainer.run;

import ai.djl.ndarray.NDManager;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.optim.AdamW;
import org.dpo4j.trainer.optim.LearningRateSchedule;
import org.dpo4j.trainer.scoring.BatchForward;
import org.dpo4j.trainer.scoring.Evaluator;
import org.dpo4j.trainer.scoring.PreferenceScorer;

/**
 * The parts of one run, as {@link RunAssembly} built them. Its arrays live in {@code manager},
 * which the assembly closes.
 *
 * @param manager   owns every array of the run
 * @param models    policy (trainable) and reference
 * @param loss      the preference loss
 * @param batcher   lays pairs out as batches
 * @param forward   how batches run through the policy (shared prompts or whole rows)
 * @param reference where the scorer's reference values come from, and TR-DPO's updates
 * @param scorer    the policy's and reference's scores of a batch, and its loss
 * @param optimizer AdamW over the policy's parameters, or null when nothing is trained
 * @param schedule  the learning rate of each step, or null when nothing is trained
 * @param precision the training step's precision ({@code train.precision} on the run's device)
 */
public record AssembledRun(
        NDManager manager,
        RunModels models,
        PreferenceLoss loss,
        Batcher batcher,
        BatchForward forward,
        ReferenceSetup reference,
        PreferenceScorer scorer,
        AdamW optimizer,
        LearningRateSchedule schedule,
        StepPrecision precision) {

    /**
     * What a {@link TrainingLoop} needs of this run: its scorer, batcher, optimizer over the
     * policy's trainable parameters, schedule and manager, with the caller's pairs.
     *
     * @param sampler   draws the training pairs
     * @param evaluator scores held-out pairs, or null when the loop never evaluates
     */
    public TrainingLoop.Parts loopParts(PairSampler sampler, Evaluator evaluator) {
        return new TrainingLoop.Parts(scorer, batcher, sampler, optimizer,
                models.policy().weights().trainable().tensors(), schedule, evaluator, manager, precision);
    }
}
