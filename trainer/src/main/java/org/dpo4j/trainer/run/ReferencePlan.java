package org.dpo4j.trainer.run;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.scoring.BatchForward;

/**
 * How a run gets its reference values, the caller's choice: cached in files for training,
 * computed in memory for the benchmark, or always live for evaluation.
 */
public sealed interface ReferencePlan {

    /** Builds the reference side from the models and the loss the assembly made. */
    ReferenceSetup setUp(Context context);

    /**
     * What every plan works with.
     *
     * @param config    {@code reference}
     * @param models    policy and reference
     * @param loss      the run's loss (what it needs decides whether anything is precomputed)
     * @param batcher   lays pairs out as batches
     * @param batchSize pairs per reference forward while precomputing
     * @param manager   owns the batches
     * @param forward   how the reference runs a batch's rows
     * @param notes     receives one line per thing the user should know
     */
    record Context(ReferenceConfig config, RunModels models, PreferenceLoss loss, Batcher batcher, int batchSize,
            NDManager manager, BatchForward forward, Consumer<String> notes) {}

    /**
     * Training: {@code reference.precompute} reads or writes cache files of the training and
     * held-out pairs; {@code reference.sync_every} updates the reference (TR-DPO).
     *
     * @param data     the run's pairs
     * @param padId    the batcher's padding id (part of the cache key)
     * @param cacheDir the folder of cache files
     */
    record Cached(PreparedData data, int padId, Path cacheDir) implements ReferencePlan {
        @Override
        public ReferenceSetup setUp(Context c) {
            return ReferenceSetup.create(c.config(), c.models(), data, c.loss(), c.batcher(), padId, c.batchSize(),
                    c.manager(), cacheDir, c.forward(), c.notes());
        }
    }

    /**
     * The benchmark: {@code reference.precompute} computes the values of {@code pairs} in
     * memory, timed; a reference-free loss leaves the reference unused.
     */
    record InMemory(List<TokenizedPair> pairs) implements ReferencePlan {
        @Override
        public ReferenceSetup setUp(Context c) {
            return ReferenceSetup.benchmark(c.config(), c.models(), pairs, c.loss(), c.batcher(), c.batchSize(),
                    c.manager(), c.forward(), c.notes());
        }
    }

    /** Evaluation: the reference model runs on every batch. */
    record Live() implements ReferencePlan {
        @Override
        public ReferenceSetup setUp(Context c) {
            return ReferenceSetup.live(c.models(), c.forward());
        }
    }
}
