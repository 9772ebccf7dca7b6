package org.dpo4j.trainer.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.dpo4j.trainer.common.DjlEnvironment;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.hub.ModelFolders;
import org.dpo4j.trainer.init.RandomModelFolder;
import org.dpo4j.trainer.metrics.PhaseClock;
import org.dpo4j.trainer.metrics.PhaseTimer;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.optim.LearningRateSchedule;
import org.dpo4j.trainer.run.AssembledRun;
import org.dpo4j.trainer.lora.LoraAdapters;
import org.dpo4j.trainer.run.MemoryEstimate;
import org.dpo4j.trainer.run.ReferencePlan;
import org.dpo4j.trainer.run.ReferenceSetup;
import org.dpo4j.trainer.run.RunAssembly;
import org.dpo4j.trainer.run.RunModels;
import org.dpo4j.trainer.run.TrainingLoop;
import org.dpo4j.trainer.scoring.BatchPlan;
import org.dpo4j.trainer.scoring.PreferenceScorer;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * {@code dpo4j bench}: times the real training step ({@link TrainingLoop#optimizerStep}, with the
 * same {@link PreferenceScorer}, reference source and {@link org.dpo4j.trainer.optim.AdamW} that training uses) on a
 * synthetic, deterministic workload, after untimed warm-up steps, and reports throughput, the
 * time per phase ({@link PhaseTimer}), model FLOPs utilisation, memory and page faults.
 *
 * <p>From the run config it takes the model ({@code model.path}, or {@code model.preset} and
 * {@code model.arch}), the loss, the optimizer and schedule, {@code train.batch_size},
 * {@code train.gradient_accumulation_steps}, {@code train.seed}, {@code train.device} and
 * {@code reference.precompute}. The data are never the config's: every pair is
 * {@link SyntheticPairs} of {@link BenchSettings#seqLen} tokens over the model's vocabulary, so
 * that the shapes, not the data set, set the cost. A preset's vocabulary is the one it trains
 * with: {@code tiny} the byte tokenizer's (the default run's model), {@code small} 8192 (as
 * {@code init-model} writes it). Nothing is logged, evaluated or saved.
 *
 * <p>It lives in this package, not in {@code bench}, because the training step it times is
 * package-private here; the measurements themselves are in {@link org.dpo4j.trainer.bench}.
 */
public final class Benchmark {

    private Benchmark() {}

    /**
     * Builds the models, runs {@code settings.warmup()} then {@code settings.steps()} timed
     * steps, measures the matmul peak, and frees everything.
     *
     * @param notes receives one line per thing the user should know (e.g. a reference that
     *              cannot be precomputed for this loss)
     * @throws UserInputException when the model folder is unusable or the model cannot take
     *                            rows of {@code seqLen}
     */
    public static BenchResult run(RunConfig config, BenchSettings settings, Consumer<String> notes) {
        DjlEnvironment.configure();
        ProcessStats.resetHeapPeaks();
        Engine.getInstance();
        int threadsBefore = JniUtils.getNumThreads();
        if (settings.threads() != null) {
            JniUtils.setNumThreads(settings.threads());
        }
        try (RunAssembly assembly = RunAssembly.open(config, 0, notes)) { // rows are never padded: the pad id is never written
            if (assembly.device().isGpu()) {
                notes.accept("note: on a GPU ops run asynchronously, so the time split shows launch times, not"
                        + " compute times; the totals (steps/s, tokens/s, MFU) are valid");
            }
            return measure(config, settings, notes, assembly);
        } finally {
            JniUtils.setNumThreads(threadsBefore);
        }
    }

    private static BenchResult measure(RunConfig config, BenchSettings settings, Consumer<String> notes,
            RunAssembly assembly) {
        RunModels models = assembly.models(manager -> models(config, settings.shape(), manager, notes));
        ModelArchitecture architecture = models.policy().architecture();
        int seqLen = settings.seqLen();
        if (seqLen > architecture.maxSequenceLength()) {
            throw new UserInputException("--seq-len " + seqLen + " is longer than the model's "
                    + architecture.maxSequenceLength() + " positions");
        }
        double startup = ProcessStats.secondsSinceJvmStart();

        int batchSize = config.train().batchSize();
        int accumulation = config.train().gradientAccumulationSteps();
        int totalSteps = settings.warmup() + settings.steps();
        long seed = config.train().seed();
        int drawnSteps = totalSteps + (settings.profile() == null ? 0 : 1);
        List<TokenizedPair> pairs = SyntheticPairs.generate(batchSize * accumulation * drawnSteps, seqLen,
                architecture.vocabSize(), seed, SyntheticPairs.extraCompletions(assembly.loss().requirements().completions()));
        AssembledRun run = assembly.finish(new ReferencePlan.InMemory(pairs), totalSteps);
        ReferenceSetup reference = run.reference();
        ModelWeights weights = models.policy().weights();
        LearningRateSchedule schedule = run.schedule();
        NDManager manager = run.manager();
        // only optimizerStep runs, never run(): no evaluator, log or checkpoint writer is needed
        TrainingLoop loop = new TrainingLoop(
                run.loopParts(new PairSampler(pairs, batchSize, false, seed), null),
                new TrainingLoop.Cadence(totalSteps, accumulation, totalSteps, 0, config.optim().maxGradNorm()),
                assembly.unsavedSafeguards(),
                step -> {});

        for (int step = 0; step < settings.warmup(); step++) {
            loop.optimizerStep(step + 1, schedule.lr(step), PhaseClock.NONE);
        }
        PhaseTimer timer = new PhaseTimer(() -> ProcessStats.faults().minor());
        ProcessStats.Faults faultsBefore = ProcessStats.faults();
        long start = System.nanoTime();
        boolean traceRss = settings.steps() >= BenchResult.RssTrace.MIN_STEPS;
        int settledStep = BenchResult.RssTrace.settledStep(settings.steps());
        double settledRss = Double.NaN;
        List<Double> rssSamples = new ArrayList<>();
        for (int step = settings.warmup(); step < totalSteps; step++) {
            timer.start();
            loop.optimizerStep(step + 1, schedule.lr(step), timer);
            int timed = step + 1 - settings.warmup();
            if (traceRss && timed == settledStep) {
                settledRss = ProcessStats.rssMb();
            }
            if (traceRss && (long) timed * 10 / settings.steps() > (long) (timed - 1) * 10 / settings.steps()) {
                rssSamples.add(ProcessStats.rssMb()); // a tenth of the run has passed
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        BenchResult.RssTrace rss = new BenchResult.RssTrace(settledStep, settledRss, ProcessStats.rssMb(), rssSamples);
        // read before the matmul peak's own three n x n matrices and the profiled step
        double peakRss = ProcessStats.peakRssMb();
        double peakHeap = ProcessStats.peakHeapMb();
        ProcessStats.Faults faultsAfter = ProcessStats.faults();
        if (settings.profile() != null) {
            profileOneStep(loop, totalSteps + 1, schedule.lr(totalSteps - 1), settings.profile());
        }

        double peak = MatmulPeak.gflops(manager, settings.matmulSize(), BenchSettings.MATMUL_REPETITIONS);
        ForwardWork work = forwardWork(pairs.subList(0, batchSize), run.batcher(), run.scorer(), manager);
        boolean preset = models.policyFolder() == null;
        String presetName = settings.shape() != null ? settings.shape() : config.model().preset();
        BenchResult.Workload workload = new BenchResult.Workload(
                preset ? presetName : null,
                architecture.modelType() + (preset ? " preset " + presetName : " from " + models.policyFolder()) + lora(weights),
                config.loss().type(), reference.mode().label(), manager.getDevice().toString(), JniUtils.getNumThreads(),
                JniUtils.getNumInteropThreads(), weights.parameterCount(), flops(architecture, weights), work, batchSize, pairs.get(0).rows(),
                accumulation, seqLen, settings.warmup(), settings.steps(), settings.matmulSize());
        MemoryEstimate estimate = MemoryEstimate.of(architecture, models.reference().architecture(),
                reference.mode(), run.loss().requirements(), batchSize, pairs.get(0).rows(), seqLen, pairs.size());
        if (LoraAdapters.of(weights) != null) {
            estimate = estimate.withAdapters(weights.trainable().tensors().stream().mapToLong(t -> t.getShape().size()).sum(),
                    config.reference().path() == null || settings.shape() != null);
        }
        return new BenchResult(workload, seconds, timer.seconds(), perStep(timer.counts(), settings.steps()), peak, peakRss,
                peakHeap, estimate.total() / (double) (1 << 20),
                (double) (faultsAfter.minor() - faultsBefore.minor()) / settings.steps(),
                (double) (faultsAfter.major() - faultsBefore.major()) / settings.steps(),
                startup, reference.precomputeSeconds(), rss);
    }

    /**
     * What a forward pass over one micro-batch computes, counted on the first one's plan (every
     * batch of the synthetic workload has the same shapes): the positions through the blocks, the
     * attention scores, and the positions the head runs at.
     */
    private static ForwardWork forwardWork(List<TokenizedPair> firstBatch, Batcher batcher, PreferenceScorer scorer,
            NDManager manager) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Batch.Tensors batch = batcher.batch(firstBatch).toTensors(manager);
            long rows = batch.inputIds().getShape().get(0);
            long seqLen = batch.inputIds().getShape().get(1);
            BatchPlan plan = scorer.plan(batch, firstBatch.size());
            long head = plan.at().count();
            return plan.shared() == null
                    ? new ForwardWork(rows * seqLen, head, rows * seqLen * seqLen)
                    : new ForwardWork(plan.shared().positionsComputed(), head, plan.shared().attentionScores());
        }
    }

    /**
     * One more step under libtorch's profiler (op shapes recorded, no memory events), written as
     * a Chrome trace: every op of the forward and backward passes with its self time. It runs
     * after the timed steps because profiling slows every op down.
     */
    private static void profileOneStep(TrainingLoop loop, int step, double lr, Path file) {
        JniUtils.startProfile(false, true, false);
        try {
            loop.optimizerStep(step, lr, PhaseClock.NONE);
        } finally {
            JniUtils.stopProfile(file.toAbsolutePath().toString());
        }
    }

    /** The FLOP counts of {@code architecture}, with LoRA's adapters when {@code weights} has them. */
    private static ModelFlops flops(ModelArchitecture architecture, ModelWeights weights) {
        ModelFlops flops = ModelFlops.of(architecture);
        if (LoraAdapters.of(weights) == null) {
            return flops;
        }
        // A and B of every adapted layer (a trainable bias is not a matmul)
        return flops.withAdapters(weights.trainable().tensors().stream()
                .filter(t -> t.getShape().dimension() == 2).mapToLong(t -> t.getShape().size()).sum());
    }

    /** {@code , LoRA r 16 on 168 layers: 8,798,208 of 502,830,976 parameters trainable}, or nothing for full fine-tuning. */
    private static String lora(ModelWeights weights) {
        LoraAdapters lora = LoraAdapters.of(weights);
        if (lora == null) {
            return "";
        }
        long trainable = weights.trainable().tensors().stream().mapToLong(t -> t.getShape().size()).sum();
        return String.format(java.util.Locale.ROOT, ", LoRA r %d on %d layers: %,d of %,d parameters trainable",
                lora.spec().r(), lora.spec().modules().size(), trainable, weights.parameterCount());
    }

    /** Minor page faults per timed step, per phase (the timer's counter), in step order. */
    private static Map<String, Double> perStep(Map<String, Long> counts, int steps) {
        Map<String, Double> split = new LinkedHashMap<>();
        counts.forEach((phase, count) -> split.put(phase, count / (double) steps));
        return split;
    }

    /**
     * Policy and reference: a published model's shape or a preset, drawn from {@code train.seed},
     * or loaded as training loads them.
     */
    private static RunModels models(RunConfig config, String shape, NDManager manager, Consumer<String> notes) {
        if (shape != null) {
            return RunModels.initialised(ModelPresets.shape(shape), config.train().seed(), config.lora(), manager);
        }
        Path folder = ModelFolders.resolve(config.model().path(), "model.path");
        if (folder != null) {
            try (TextTokenizer tokenizer = RunModels.tokenizer(folder)) {
                return RunModels.load(config, folder, tokenizer, manager, notes);
            }
        }
        String preset = config.model().preset();
        ModelArchitecture architecture = ModelPresets.of(config.model().arch(), preset, presetVocabulary(preset));
        return RunModels.initialised(architecture, config.train().seed(), config.lora(), manager);
    }

    /** {@code tiny}: the byte tokenizer's, as the default run; {@code small}: {@code init-model}'s 8192. */
    static int presetVocabulary(String preset) {
        if (preset.equals("tiny")) {
            try (ByteTokenizer bytes = new ByteTokenizer()) {
                return bytes.vocabSize();
            }
        }
        return RandomModelFolder.vocabSize(preset);
    }
}
