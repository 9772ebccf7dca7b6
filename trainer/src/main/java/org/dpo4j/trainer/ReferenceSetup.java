package org.dpo4j.trainer;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.dpo4j.losses.LossRequirements;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.reference.ReferenceLogProbs;
import org.dpo4j.trainer.reference.ReferenceSync;

/**
 * The reference side of a run, from {@code reference}: where the scorer gets reference values
 * (live, or precomputed and cached), and TR-DPO's updates of the reference after optimizer steps.
 */
final class ReferenceSetup {

    private final LiveReference live;
    private final ReferenceSource source;
    private final ReferenceSync sync;

    private ReferenceSetup(LiveReference live, ReferenceSource source, ReferenceSync sync) {
        this.live = live;
        this.source = source;
        this.sync = sync;
    }

    /**
     * @param config    {@code reference}
     * @param models    policy and reference
     * @param data      the run's pairs (precomputed: training and held-out)
     * @param loss      what the loss needs decides whether the reference can be cached
     * @param batcher   lays pairs out as batches
     * @param padId     the padding id the batcher uses (part of the cache key)
     * @param batchSize pairs per reference forward while precomputing
     * @param manager   owns the batches
     * @param cacheDir  the folder of cache files ({@link org.dpo4j.trainer.reference.ReferenceCacheDir})
     * @param forward   how the reference runs a batch's rows
     * @param notes     receives one line per thing the user should know
     */
    static ReferenceSetup create(ReferenceConfig config, RunModels models, PreparedData data, PreferenceLoss loss,
            Batcher batcher, int padId, int batchSize, NDManager manager, Path cacheDir, BatchForward forward,
            Consumer<String> notes) {
        LiveReference live = new LiveReference(models.reference(), forward);
        ReferenceSource source = live;
        LossRequirements needs = loss.requirements();
        if (config.precompute()) {
            if (needs.tokenKl()) {
                notes.accept("reference.precompute: loss " + loss.name() + " needs the reference's per-token"
                        + " distribution (token KL), so the reference model runs live on every batch; nothing is cached");
            } else if (!needs.referenceLogProbs()) {
                notes.accept("reference.precompute: loss " + loss.name() + " uses no reference model; nothing to precompute");
            } else {
                List<TokenizedPair> pairs = new ArrayList<>(data.train());
                pairs.addAll(data.eval());
                ReferenceLogProbs values = ReferenceLogProbCache.loadOrBuild(
                        live, pairs, batcher, padId, batchSize, manager, cacheDir, notes);
                source = new CachedReference(values, pairs);
                // never run again: free its weights (as much memory as the policy's parameters)
                models.reference().weights().close();
            }
        }
        ReferenceSync sync = config.syncs()
                ? new ReferenceSync(models.policy().weights(), models.reference().weights(), config.syncEvery(), config.syncAlpha())
                : null;
        return new ReferenceSetup(live, source, sync);
    }

    ReferenceSource source() {
        return source;
    }

    /** The hook {@link TrainingLoop} calls after each optimizer step (1-based): TR-DPO's update. */
    void afterStep(int step) {
        if (sync != null) {
            sync.afterStep(step);
        }
    }

    /** Reference forward passes so far, precomputation included. */
    long forwards() {
        return live.forwards();
    }

    /** The reference's weights when TR-DPO updates them during the run (a checkpoint saves them), else null. */
    ModelWeights syncedWeights() {
        return sync == null ? null : live.model().weights();
    }

    /** The reference's weights (closed once precomputed values replace the model). */
    ModelWeights referenceWeights() {
        return live.model().weights();
    }
}
