package org.dpo4j.trainer.run;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.dpo4j.losses.Completions;
import org.dpo4j.losses.LossRequirements;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.reference.CachedReference;
import org.dpo4j.trainer.reference.LiveReference;
import org.dpo4j.trainer.reference.ReferenceLogProbCache;
import org.dpo4j.trainer.reference.ReferenceLogProbs;
import org.dpo4j.trainer.reference.ReferenceSync;
import org.dpo4j.trainer.scoring.BatchForward;
import org.dpo4j.trainer.scoring.ReferenceSource;

/**
 * The reference side of a run, from {@code reference}: where the scorer gets reference values
 * (live, or precomputed and cached), and TR-DPO's updates of the reference after optimizer steps.
 * Training ({@link #create}) caches precomputed values in files and syncs; the benchmark
 * ({@link #benchmark}) precomputes in memory and times it; evaluation ({@link #live}) only runs
 * the reference.
 */
public final class ReferenceSetup {

    private final LiveReference live;
    private final ReferenceSource source;
    private final ReferenceSync sync;
    private final MemoryEstimate.ReferenceMode mode;
    private final double precomputeSeconds;

    private ReferenceSetup(LiveReference live, ReferenceSource source, ReferenceSync sync,
            MemoryEstimate.ReferenceMode mode, double precomputeSeconds) {
        this.live = live;
        this.source = source;
        this.sync = sync;
        this.mode = mode;
        this.precomputeSeconds = precomputeSeconds;
    }

    /**
     * Training's reference: precomputed values come from (and go to) cache files; TR-DPO syncs.
     *
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
    public static ReferenceSetup create(ReferenceConfig config, RunModels models, PreparedData data, PreferenceLoss loss,
            Batcher batcher, int padId, int batchSize, NDManager manager, Path cacheDir, BatchForward forward,
            Consumer<String> notes) {
        LiveReference live = new LiveReference(models.reference(), forward);
        ReferenceSetup setup = new ReferenceSetup(live, live, null, MemoryEstimate.ReferenceMode.LIVE, Double.NaN);
        LossRequirements needs = loss.requirements();
        if (config.precompute()) {
            requireCacheable(loss, true);
            if (needs.referenceTokens()) {
                notes.accept(tokenKlNote(loss, "so the reference model runs live on every batch; nothing is cached"));
            } else if (!needs.referenceLogProbs()) {
                notes.accept("reference.precompute: loss " + loss.name() + " uses no reference model; nothing to precompute");
            } else {
                List<TokenizedPair> pairs = new ArrayList<>(data.train());
                pairs.addAll(data.eval());
                setup = precomputed(models, live, pairs, () -> ReferenceLogProbCache.loadOrBuild(
                        live, pairs, batcher, padId, batchSize, manager, cacheDir, notes));
            }
        }
        ReferenceSync sync = config.syncs()
                ? new ReferenceSync(models.policy().weights(), models.reference().weights(), config.syncEvery(), config.syncAlpha())
                : null;
        return new ReferenceSetup(live, setup.source, sync, setup.mode, setup.precomputeSeconds);
    }

    /**
     * The benchmark's reference: precomputed values are computed in memory (no cache files) and
     * timed; a reference-free loss leaves the reference {@link MemoryEstimate.ReferenceMode#UNUSED
     * unused}; TR-DPO's updates are not benchmarked.
     *
     * @param pairs the synthetic pairs the benchmark trains on
     * @see #create
     */
    public static ReferenceSetup benchmark(ReferenceConfig config, RunModels models, List<TokenizedPair> pairs,
            PreferenceLoss loss, Batcher batcher, int batchSize, NDManager manager, BatchForward forward,
            Consumer<String> notes) {
        LiveReference live = new LiveReference(models.reference(), forward);
        ReferenceSetup setup = new ReferenceSetup(live, live, null, MemoryEstimate.ReferenceMode.LIVE, Double.NaN);
        LossRequirements needs = loss.requirements();
        if (!needs.usesReference()) {
            setup = new ReferenceSetup(live, live, null, MemoryEstimate.ReferenceMode.UNUSED, Double.NaN);
        } else if (requireCacheable(loss, config.precompute()) && needs.referenceTokens()) {
            notes.accept(tokenKlNote(loss, "so the reference runs live, as in training"));
        } else if (config.precompute()) {
            setup = precomputed(models, live, pairs,
                    () -> ReferenceLogProbCache.compute(live, pairs, batcher, batchSize, manager));
        }
        if (config.syncs()) {
            notes.accept("reference.sync_every: TR-DPO's reference updates are not part of the benchmark");
        }
        return setup;
    }

    /** Evaluation's reference: the reference model runs on every batch. */
    public static ReferenceSetup live(RunModels models, BatchForward forward) {
        LiveReference live = new LiveReference(models.reference(), forward);
        return new ReferenceSetup(live, live, null, MemoryEstimate.ReferenceMode.LIVE, Double.NaN);
    }

    /**
     * Whether to precompute, refusing what the cache cannot hold: its values are two per pair, and
     * D2O and WRPO score more completions per prompt.
     *
     * @return {@code precompute}
     * @throws UserInputException when precomputing a loss whose records are not pairs
     */
    static boolean requireCacheable(PreferenceLoss loss, boolean precompute) {
        Completions kind = loss.requirements().completions();
        if (precompute && kind != Completions.PAIRS) {
            throw new UserInputException("reference.precompute: loss " + loss.name() + " scores " + kind.configName()
                    + " (more than two completions per prompt), which the reference cache cannot hold;"
                    + " set reference.precompute: false (the reference then runs live)");
        }
        return precompute;
    }

    private static String tokenKlNote(PreferenceLoss loss, String consequence) {
        LossRequirements needs = loss.requirements();
        String what = needs.tokenKl() ? "per-token distribution (token KL)"
                : needs.tokenRiskSums() ? "per-token distribution (token risk)"
                : "per-token log-probs (ld_alpha weights them)";
        return "reference.precompute: loss " + loss.name() + " needs the reference's " + what + ", "
                + consequence;
    }

    /** Values computed once, timed; the reference's weights are freed since it never runs again. */
    private static ReferenceSetup precomputed(RunModels models, LiveReference live, List<TokenizedPair> pairs,
            Supplier<ReferenceLogProbs> compute) {
        long start = System.nanoTime();
        ReferenceLogProbs values = compute.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        CachedReference source = new CachedReference(values, pairs);
        // never run again: free its weights (as much memory as the policy's parameters)
        models.reference().weights().close();
        return new ReferenceSetup(live, source, null, MemoryEstimate.ReferenceMode.PRECOMPUTED, seconds);
    }

    public ReferenceSource source() {
        return source;
    }

    /** Whether the reference runs live, was precomputed, or is unused (a reference-free loss; benchmark only). */
    public MemoryEstimate.ReferenceMode mode() {
        return mode;
    }

    /** Seconds spent computing or loading the precomputed values; NaN when nothing was precomputed. */
    public double precomputeSeconds() {
        return precomputeSeconds;
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
