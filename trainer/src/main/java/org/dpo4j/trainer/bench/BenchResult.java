package org.dpo4j.trainer.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@code dpo4j bench} run: what was run ({@link Workload}) and what it cost.
 *
 * @param workload                   the measured workload
 * @param seconds                    wall-clock time of the timed steps together
 * @param timeSplit                  seconds per phase of the step over the timed steps (keys of
 *                                   the step's phases, in step order); they sum to at most
 *                                   {@code seconds}, the rest is unattributed (freeing the step's arrays)
 * @param faultSplit                 minor page faults per timed step in each phase (same keys);
 *                                   their sum is at most {@code minorFaultsPerStep}; empty when unknown
 * @param matmulPeakGflops           the fp32 matmul peak measured in the same process ({@link MatmulPeak})
 * @param peakRssMb                  the process's peak resident memory (VmHWM) up to the end of the
 *                                   timed steps (before the matmul peak is measured), NaN when unknown
 * @param peakHeapMb                 the peak used Java heap during the benchmark
 * @param memoryEstimateMb           the peak memory {@code dpo4j validate} estimates for these
 *                                   shapes ({@code org.dpo4j.trainer.run.MemoryEstimate}, rows of T tokens)
 * @param minorFaultsPerStep         minor page faults per timed step
 * @param majorFaultsPerStep         major page faults per timed step
 * @param startupSeconds             from the JVM's start until the engine was up and the models built
 * @param referencePrecomputeSeconds time to precompute the reference log-probs of every pair the
 *                                   benchmark uses, NaN unless the reference was precomputed
 * @param rss                        resident memory over the timed steps ({@link RssTrace}):
 *                                   whether native memory stays flat
 */
public record BenchResult(
        Workload workload,
        double seconds,
        Map<String, Double> timeSplit,
        Map<String, Double> faultSplit,
        double matmulPeakGflops,
        double peakRssMb,
        double peakHeapMb,
        double memoryEstimateMb,
        double minorFaultsPerStep,
        double majorFaultsPerStep,
        double startupSeconds,
        double referencePrecomputeSeconds,
        RssTrace rss) {

    /**
     * Resident memory (VmRSS) over a long run: whether native memory stays flat.
     *
     * <p>Why the settled point is a quarter into the run, not its start: the resident set first
     * grows to its working size (the Java heap back to the size training needs after the
     * post-loading collection shrank it, the JIT's code, the allocator's free lists), which takes
     * the tiny preset about 20 s. Growth after that is what a leak would show.
     *
     * @param settledStep the timed step after which {@code settledMb} was read
     * @param settledMb   RSS after timed step {@code settledStep}; NaN with fewer than
     *                    {@value #MIN_STEPS} timed steps (too short to tell growth from noise)
     * @param endMb       RSS after the last timed step
     * @param samples     RSS after each tenth of the timed steps (10 values), empty with fewer
     *                    than {@value #MIN_STEPS} timed steps
     */
    public record RssTrace(int settledStep, double settledMb, double endMb, List<Double> samples) {

        /** The fewest timed steps for which growth is reported. */
        public static final int MIN_STEPS = 200;

        /** The settled step of a run of {@code steps} timed steps: a quarter in, at least step 100. */
        public static int settledStep(int steps) {
            return Math.max(100, steps / 4);
        }

        /** endMb / settledMb − 1: 0.05 is 5% growth after the settled step. */
        public double growth() {
            return endMb / settledMb - 1;
        }
    }

    /** The reference mode of a loss that uses no reference model. */
    public static final String NO_REFERENCE = "none";

    /**
     * What was measured.
     *
     * @param preset            the model preset, or null for a model folder
     * @param model             e.g. {@code llama preset small} or {@code qwen2 from models/q}
     * @param loss              {@code loss.type}
     * @param reference         {@code live}, {@code precomputed} or {@link #NO_REFERENCE}
     * @param device            the engine device, e.g. {@code cpu()}
     * @param threads           libtorch intra-op threads
     * @param interopThreads    libtorch inter-op threads
     * @param parameters        all parameters of the policy
     * @param flops             the policy's FLOP counts
     * @param work              what one forward pass over one micro-batch computes
     * @param batchSize         B, pairs per micro-batch
     * @param rowsPerPair       S, rows per pair: 2 (chosen and rejected), 3 for WRPO and D2O's K = 2
     * @param accumulationSteps micro-batches per optimizer step
     * @param seqLen            T, tokens per row (no padding)
     * @param warmup            untimed steps
     * @param steps             timed steps
     * @param matmulSize        n of the peak's n×n matmul
     */
    public record Workload(String preset, String model, String loss, String reference, String device, int threads,
            int interopThreads, long parameters, ModelFlops flops, ForwardWork work, int batchSize, int rowsPerPair, int accumulationSteps, int seqLen,
            int warmup, int steps, int matmulSize) {

        /** Rows through the policy per optimizer step: S·B (2B: chosen and rejected) per micro-batch. */
        public long rowsPerStep() {
            return (long) rowsPerPair * batchSize * accumulationSteps;
        }

        /** Prompt tokens per row (not scored). */
        public int promptLength() {
            return SyntheticPairs.promptLength(seqLen);
        }

        /** All tokens of the chosen and rejected rows per step (there is no padding). */
        public long tokensPerStep() {
            return rowsPerStep() * seqLen;
        }

        /** Completion tokens per step: those the loss scores. */
        public long scoredTokensPerStep() {
            return rowsPerStep() * (seqLen - promptLength());
        }

        /** Model FLOPs per step ({@link ModelFlops#step}), the live reference's included. */
        public double flopsPerStep() {
            return flops.step(work, accumulationSteps, reference.equals("live"));
        }
    }

    public double stepsPerSecond() {
        return workload.steps() / seconds;
    }

    /** Tokens of the chosen and rejected rows (prompt and completion) per second, as {@code num_tokens} counts them. */
    public double tokensPerSecond() {
        return workload.tokensPerStep() * stepsPerSecond();
    }

    /** Scored (completion) tokens per second. */
    public double scoredTokensPerSecond() {
        return workload.scoredTokensPerStep() * stepsPerSecond();
    }

    /** Model FLOP/s achieved, in GFLOP/s. */
    public double achievedGflops() {
        return workload.flopsPerStep() * stepsPerSecond() / 1e9;
    }

    /** Model FLOPs utilisation: achieved model FLOP/s over the matmul peak. */
    public double mfu() {
        return achievedGflops() / matmulPeakGflops;
    }

    /** Time of the timed steps that no phase claimed. */
    public double unattributedSeconds() {
        return seconds - timeSplit.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The figures as a JSON object: the keys the issue names ({@code tokens_per_s},
     * {@code steps_per_s}, {@code mfu}, {@code matmul_peak_gflops}, {@code peak_rss_mb},
     * {@code time_split}, {@code preset}, {@code reference}) and more; unknown values are null.
     */
    public String toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("preset", workload.preset());
        j.put("model", workload.model());
        j.put("loss", workload.loss());
        j.put("reference", workload.reference());
        j.put("device", workload.device());
        j.put("threads", workload.threads());
        j.put("interop_threads", workload.interopThreads());
        j.put("params", workload.parameters());
        j.put("matmul_params", workload.flops().matmulParams());
        j.put("positions_per_forward", workload.work().positions());
        j.put("head_positions_per_forward", workload.work().headPositions());
        j.put("attention_scores_per_forward", workload.work().scores());
        j.put("batch_size", workload.batchSize());
        j.put("gradient_accumulation_steps", workload.accumulationSteps());
        j.put("seq_len", workload.seqLen());
        j.put("prompt_len", workload.promptLength());
        j.put("warmup_steps", workload.warmup());
        j.put("steps", workload.steps());
        j.put("seconds", number(seconds));
        j.put("steps_per_s", number(stepsPerSecond()));
        j.put("tokens_per_s", number(tokensPerSecond()));
        j.put("scored_tokens_per_s", number(scoredTokensPerSecond()));
        Map<String, Object> split = new LinkedHashMap<>();
        timeSplit.forEach((phase, s) -> split.put(phase, number(s)));
        j.put("time_split", split);
        j.put("time_unattributed_s", number(unattributedSeconds()));
        j.put("flops_per_step", number(workload.flopsPerStep()));
        j.put("achieved_gflops", number(achievedGflops()));
        j.put("matmul_peak_gflops", number(matmulPeakGflops));
        j.put("matmul_size", workload.matmulSize());
        j.put("mfu", number(mfu()));
        j.put("peak_rss_mb", number(peakRssMb));
        j.put("peak_heap_mb", number(peakHeapMb));
        j.put("memory_estimate_mb", number(memoryEstimateMb));
        j.put("peak_rss_over_estimate", number(peakRssMb / memoryEstimateMb));
        j.put("minor_faults_per_step", number(minorFaultsPerStep));
        j.put("major_faults_per_step", number(majorFaultsPerStep));
        Map<String, Object> faults = new LinkedHashMap<>();
        faultSplit.forEach((phase, f) -> faults.put(phase, number(f)));
        j.put("minor_faults_split", faults);
        j.put("startup_s", number(startupSeconds));
        j.put("reference_precompute_s", number(referencePrecomputeSeconds));
        j.put("rss_settled_step", Double.isFinite(rss.settledMb()) ? rss.settledStep() : null);
        j.put("rss_mb_settled", number(rss.settledMb()));
        j.put("rss_mb_end", number(rss.endMb()));
        j.put("rss_growth_after_settled", number(rss.growth()));
        j.put("rss_mb_samples", rss.samples());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the bench figures as JSON", e);
        }
    }

    /** JSON has no NaN or infinity: an unknown figure is null. */
    private static Double number(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** The figures as the table {@code dpo4j bench} prints. */
    public String table() {
        Workload w = workload;
        StringBuilder s = new StringBuilder();
        line(s, "model", "%s, %,d parameters (N = %,d in matmuls)", w.model(), w.parameters(), w.flops().matmulParams());
        line(s, "workload", "loss %s, reference %s, %d pairs x %d tokens (prompt %d)%s", w.loss(), w.reference(),
                w.batchSize(), w.seqLen(), w.promptLength(),
                w.accumulationSteps() > 1 ? " x " + w.accumulationSteps() + " micro-batches" : "");
        line(s, "steps", "%d warm-up, then %d timed: %.2f s", w.warmup(), w.steps(), seconds);
        line(s, "engine", "%s, %d intra-op threads, %d inter-op", w.device(), w.threads(), w.interopThreads());
        s.append('\n');
        line(s, "steps/s", "%.3f", stepsPerSecond());
        line(s, "tokens/s", "%,.0f  (all %,d tokens of the chosen and rejected rows per step)",
                tokensPerSecond(), w.tokensPerStep());
        line(s, "scored tokens/s", "%,.0f  (%,d completion tokens per step)", scoredTokensPerSecond(),
                w.scoredTokensPerStep());
        s.append('\n');
        line(s, "time per step", "%.4f s", seconds / w.steps());
        timeSplit.forEach((phase, t) -> line(s, "  " + phase, "%.4f s  %5.1f%%", t / w.steps(), 100 * t / seconds));
        line(s, "  unattributed", "%.4f s  %5.1f%%", unattributedSeconds() / w.steps(),
                100 * unattributedSeconds() / seconds);
        s.append('\n');
        line(s, "computed", "%,d positions through the blocks per forward (rows: %,d), the head at %,d",
                w.work().positions(), w.rowsPerStep() / w.accumulationSteps() * w.seqLen(), w.work().headPositions());
        line(s, "model FLOPs", "%.2f GFLOP per step (%s%s per computed position + attention)", w.flopsPerStep() / 1e9,
                w.flops().adapterParams() == 0 ? "6N" : "4N + 6N_LoRA",
                w.reference().equals("live") ? " + 2N for the reference" : "");
        line(s, "achieved", "%.1f GFLOP/s", achievedGflops());
        line(s, "matmul peak", "%.1f GFLOP/s (%dx%d fp32, best of %d)", matmulPeakGflops, w.matmulSize(),
                w.matmulSize(), BenchSettings.MATMUL_REPETITIONS);
        line(s, "MFU", "%.3f", mfu());
        s.append('\n');
        line(s, "peak RSS", "%.0f MB (%.2fx the %.0f MB validate estimates for these shapes)", peakRssMb,
                peakRssMb / memoryEstimateMb, memoryEstimateMb);
        line(s, "peak Java heap", "%.0f MB", peakHeapMb);
        if (Double.isFinite(rss.settledMb())) {
            line(s, "RSS growth", "%+.1f%% from timed step %d (%.0f MB) to the end (%.0f MB)", 100 * rss.growth(),
                    rss.settledStep(), rss.settledMb(), rss.endMb());
            StringBuilder tenths = new StringBuilder();
            rss.samples().forEach(mb -> tenths.append(tenths.length() == 0 ? "" : ", ").append(Math.round(mb)));
            line(s, "RSS by tenths", "%s MB", tenths);
        }
        line(s, "page faults/step", "%,.0f minor, %,.0f major", minorFaultsPerStep, majorFaultsPerStep);
        if (!faultSplit.isEmpty()) {
            StringBuilder phases = new StringBuilder();
            faultSplit.forEach((phase, f) -> phases.append(phases.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %,.0f", phase, f)));
            line(s, "  minor by phase", "%s", phases);
        }
        line(s, "start-up", "%.2f s (JVM start to engine up and models built)", startupSeconds);
        if (Double.isFinite(referencePrecomputeSeconds)) {
            line(s, "precompute", "%.2f s (reference log-probs of all %,d pairs, before timing)",
                    referencePrecomputeSeconds, (long) w.batchSize() * w.accumulationSteps() * (w.warmup() + w.steps()));
        }
        return s.toString();
    }

    private static void line(StringBuilder s, String name, String format, Object... args) {
        s.append(String.format(Locale.ROOT, "%-20s", name)).append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
