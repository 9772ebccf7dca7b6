package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.ModelConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.init.RandomModelFolder;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reference.precompute}: the same metrics as a live reference, no reference forward
 * after the cache is built, reuse across runs, and a rebuild whenever the data or the reference
 * changes or the file is damaged. 48 pairs in batches of 4: building a cache costs exactly
 * ⌈48 / 4⌉ = 12 reference forwards.
 */
class ReferencePrecomputeTest {

    private static final int PAIRS = 48;
    private static final int BUILD_FORWARDS = 12;
    private static final ReferenceConfig LIVE = new ReferenceConfig(null, false, 0, 0.6);
    private static final ReferenceConfig PRECOMPUTED = new ReferenceConfig(null, true, 0, 0.6);

    @TempDir Path dir;

    /** What one run did: its records (training and evaluation), reference forwards and notes. */
    private record Outcome(List<MetricsRecord> records, long forwardsBeforeTraining, long forwardsAfter,
            List<String> notes, Path runDir) {}

    private Path cache() {
        return dir.resolve("cache");
    }

    private Outcome train(RunConfig config, String name) throws IOException {
        Path runDir = Files.createDirectories(dir.resolve(name));
        List<String> notes = new ArrayList<>();
        List<MetricsRecord> records = new ArrayList<>();
        try (DpoTrainer trainer = DpoTrainer.create(config, runDir, notes::add, cache())) {
            long before = trainer.referenceForwards();
            trainer.run(new TrainingListener() {
                @Override
                public void onLog(MetricsRecord record) {
                    records.add(record);
                }

                @Override
                public void onEval(MetricsRecord record) {
                    records.add(record);
                }
            });
            return new Outcome(records, before, trainer.referenceForwards(), notes, runDir);
        }
    }

    private List<Path> cacheFiles() throws IOException {
        if (!Files.isDirectory(cache())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache())) {
            return files.sorted().toList();
        }
    }

    @Test
    void precomputedReferenceGivesTheLiveMetricsWithoutAReferenceForward() throws IOException {
        Path data = SmallRuns.writePairs(dir, PAIRS);
        Outcome live = train(SmallRuns.dpo(data, 4, 2, LIVE), "live");
        Outcome cached = train(SmallRuns.dpo(data, 4, 2, PRECOMPUTED), "cached");

        // live: one reference forward per training step, ⌈12 held-out / 4⌉ = 3 per evaluation, 2 evaluations
        assertEquals(0, live.forwardsBeforeTraining());
        assertEquals(4 + 2 * 3, live.forwardsAfter());
        // precomputed: every pair once before training, nothing after
        assertEquals(BUILD_FORWARDS, cached.forwardsBeforeTraining());
        assertEquals(BUILD_FORWARDS, cached.forwardsAfter());

        // the same computation on differently padded batches: equal up to float32 rounding
        assertEquals(live.records().size(), cached.records().size());
        for (int i = 0; i < live.records().size(); i++) {
            MetricsRecord a = live.records().get(i);
            MetricsRecord b = cached.records().get(i);
            assertEquals(a.step(), b.step());
            assertEquals(a.values().keySet(), b.values().keySet());
            for (Map.Entry<String, Double> e : a.values().entrySet()) {
                if (a.step() == 1 && e.getKey().equals(MetricNames.REWARDS_ACCURACIES)) {
                    // policy = reference: the live rewards are exactly 0 (a tie, counted as a loss),
                    // the cached ones 0 up to rounding, so "chosen > rejected" compares rounding noise
                    assertEquals(0.0, e.getValue());
                    assertEquals(0.0, a.get(MetricNames.REWARDS_MARGINS));
                    continue;
                }
                // Step 1 (the same weights on both sides) agrees to float32 rounding. After it, AdamW
                // amplifies that rounding: its first update is lr·g/(|g| + ε), so a gradient entry
                // whose rounding differs near zero moves by up to lr either way. Measured: ≤ 6e−5
                // relative by step 4 (the GEMMs' rounding depends on their shapes and alignment).
                double tolerance = (a.step() == 1 ? 1e-5 : 2e-4) * Math.max(1, Math.abs(e.getValue()));
                assertEquals(e.getValue(), b.get(e.getKey()), tolerance, "step " + a.step() + " " + e.getKey());
            }
        }
        assertTrue(live.records().get(0).get(MetricNames.LOSS) > 0.69 && live.records().get(0).get(MetricNames.LOSS) < 0.70,
                "step 1: policy = reference, ln 2");
        assertEquals(1, cacheFiles().size());
        assertTrue(cached.notes().get(0).startsWith("reference.precompute: computed the reference log-probs of 48 pairs"),
                cached.notes().toString());
    }

    @Test
    void theCacheIsReusedAndRebuiltWhenTheDataChanges() throws IOException {
        Path data = SmallRuns.writePairs(dir, PAIRS);
        Outcome first = train(SmallRuns.dpo(data, 2, 0, PRECOMPUTED), "first");
        assertEquals(BUILD_FORWARDS, first.forwardsAfter());
        Path file = cacheFiles().get(0);
        byte[] bytes = Files.readAllBytes(file);
        long modified = Files.getLastModifiedTime(file).toMillis();

        Outcome second = train(SmallRuns.dpo(data, 2, 0, PRECOMPUTED), "second");
        assertEquals(0, second.forwardsAfter(), "no reference forward at all");
        assertEquals(List.of("reference.precompute: reusing the reference log-probs of 48 pairs from " + file), second.notes());
        assertEquals(List.of(file), cacheFiles());
        assertEquals(modified, Files.getLastModifiedTime(file).toMillis());
        assertArrayEquals(Files.readAllBytes(first.runDir().resolve("metrics.jsonl")),
                Files.readAllBytes(second.runDir().resolve("metrics.jsonl")), "the same values, so the same run");

        // other pairs (the first 44 of the same 48): another key, a new file; the old one stays valid
        Outcome fewer = train(SmallRuns.dpo(SmallRuns.writePairs(dir, 44), 2, 0, PRECOMPUTED), "fewer");
        assertEquals(11, fewer.forwardsAfter(), "⌈44 / 4⌉");
        assertEquals(2, cacheFiles().size());
        // the same pairs split differently: their order (train, then held out) is part of the key
        Outcome resplit = train(SmallRuns.run(data, 0.5, 2, 0, PRECOMPUTED, LossConfig.Dpo.withBeta(0.1)), "resplit");
        assertEquals(BUILD_FORWARDS, resplit.forwardsAfter());
        assertEquals(3, cacheFiles().size());
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void theCacheIsRebuiltWhenTheReferenceChanges() throws IOException {
        Path data = SmallRuns.writePairs(dir, PAIRS);
        Path policy = RandomModelFolder.write("llama", "tiny", dir.resolve("policy"), 1).folder();
        Path refB = RandomModelFolder.write("llama", "tiny", dir.resolve("ref-b"), 2).folder();
        Path refC = RandomModelFolder.write("llama", "tiny", dir.resolve("ref-c"), 3).folder();
        RunConfig base = SmallRuns.dpo(data, 1, 0, PRECOMPUTED);
        java.util.function.Function<Path, RunConfig> withReference = ref -> new RunConfig(
                new ModelConfig(policy.toString(), "tiny", "llama"), new ReferenceConfig(ref.toString(), true, 0, 0.6),
                base.data(), base.loss(), base.optim(), base.schedule(), base.train(), base.eval(), base.output());

        assertEquals(BUILD_FORWARDS, train(withReference.apply(refB), "b").forwardsAfter());
        assertEquals(BUILD_FORWARDS, train(withReference.apply(refC), "c").forwardsAfter(), "same data, other reference");
        assertEquals(2, cacheFiles().size());
        assertEquals(0, train(withReference.apply(refB), "b-again").forwardsAfter());
    }

    @Test
    void aCorruptOrTruncatedCacheIsRebuiltAndNeverUsed() throws IOException {
        Path data = SmallRuns.writePairs(dir, PAIRS);
        RunConfig config = SmallRuns.dpo(data, 1, 0, PRECOMPUTED);
        Outcome first = train(config, "first");
        Path file = cacheFiles().get(0);
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[flipped.length - 200] ^= 0x10; // a bit of one value
        Files.write(file, flipped);
        Outcome afterFlip = train(config, "flipped");
        assertEquals(BUILD_FORWARDS, afterFlip.forwardsAfter());
        assertTrue(afterFlip.notes().get(0).startsWith("reference.precompute: recomputed (the cached file was corrupt:"
                + " its values do not match their SHA-256 checksum) the reference log-probs of 48 pairs"), afterFlip.notes().toString());
        assertArrayEquals(good, Files.readAllBytes(file), "rebuilt: the same computation, the same bytes");
        assertArrayEquals(Files.readAllBytes(first.runDir().resolve("metrics.jsonl")),
                Files.readAllBytes(afterFlip.runDir().resolve("metrics.jsonl")));

        Files.write(file, Arrays.copyOf(good, good.length - 8));
        Outcome afterTruncation = train(config, "truncated");
        assertEquals(BUILD_FORWARDS, afterTruncation.forwardsAfter());
        assertTrue(afterTruncation.notes().get(0).contains("(the cached file was truncated"), afterTruncation.notes().toString());
        assertArrayEquals(good, Files.readAllBytes(file));
        assertEquals(List.of(file), cacheFiles(), "no temporary file is left");
    }

    @Test
    void tdpoKeepsTheLiveReferenceAndSaysSo() throws IOException {
        Path data = SmallRuns.writePairs(dir, PAIRS);
        RunConfig config = SmallRuns.run(data, 0.25, 1, 0, PRECOMPUTED, new LossConfig.Tdpo(null, null, null, null, null, null));
        Outcome tdpo = train(config, "tdpo");
        assertEquals(List.of("reference.precompute: loss tdpo needs the reference's per-token distribution (token KL),"
                + " so the reference model runs live on every batch; nothing is cached"), tdpo.notes());
        assertEquals(0, tdpo.forwardsBeforeTraining());
        assertEquals(1 + 3, tdpo.forwardsAfter(), "one training step, one evaluation of 3 batches");
        assertEquals(List.of(), cacheFiles());
    }
}
