package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dpo4j.losses.LossInputs;
import org.dpo4j.losses.LossOutput;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.WrpoLoss;
import org.dpo4j.losses.WrpoVariant;
import org.dpo4j.trainer.bench.SyntheticPairs;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.metrics.PhaseClock;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.run.AssembledRun;
import org.dpo4j.trainer.run.ReferencePlan;
import org.dpo4j.trainer.run.RunAssembly;
import org.dpo4j.trainer.run.RunModels;
import org.dpo4j.trainer.run.TrainingLoop;
import org.dpo4j.trainer.scoring.PreferenceScorer;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

/**
 * The training loop hands each optimizer step the loss as it applies at that step
 * ({@link PreferenceLoss#atStep}): WRPO's α ramp, α_t = α·min(1, t / warm-up) with t the 0-based
 * optimizer step, reaches the loss that computes step t's micro-batches.
 */
class LossScheduleTest {

    private static final double ALPHA = 0.6;
    private static final long WARMUP = 3;
    private static final int STEPS = 5;
    private static final int ACCUMULATION = 2;

    /**
     * A pairwise loss (the run's DPO) that records, at each call, the α of the WRPO ramp it was
     * made for, so that the test sees which step's loss computed each micro-batch.
     */
    private record Recording(PreferenceLoss base, WrpoLoss ramp, List<Double> seen) implements PreferenceLoss {

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public PreferenceLoss atStep(long step) {
            return new Recording(base, (WrpoLoss) ramp.atStep(step), seen);
        }

        @Override
        public LossOutput compute(LossInputs inputs) {
            seen.add(ramp.currentAlpha());
            return base.compute(inputs);
        }
    }

    @Test
    void eachOptimizerStepComputesWithThatStepsAlpha() {
        RunConfig config = TestConfigs.tiny(STEPS, 1e-3, 1);
        int seqLen = 16;
        int batchSize = config.train().batchSize();
        List<Double> seen = new ArrayList<>();
        try (RunAssembly assembly = RunAssembly.open(config, 0, note -> {})) {
            int vocab;
            try (ByteTokenizer bytes = new ByteTokenizer()) {
                vocab = bytes.vocabSize();
            }
            ModelArchitecture architecture = ModelPresets.of("llama", "tiny", vocab);
            RunModels models = assembly.models(manager -> RunModels.initialised(architecture, 42L, manager));
            List<TokenizedPair> pairs = SyntheticPairs.generate(batchSize * ACCUMULATION * STEPS, seqLen, vocab, 42L);
            AssembledRun run = assembly.finish(new ReferencePlan.InMemory(pairs), STEPS);
            WrpoLoss wrpo = new WrpoLoss(0.1, ALPHA, 0.0, WrpoVariant.WRPO, WARMUP, ALPHA);
            Recording loss = new Recording(assembly.loss(), wrpo, seen);
            PreferenceScorer scorer = new PreferenceScorer(models.policy(), run.reference().source(), loss, run.forward());
            TrainingLoop.Parts base = run.loopParts(new PairSampler(pairs, batchSize, false, 42L), null);
            TrainingLoop.Parts parts = new TrainingLoop.Parts(scorer, base.batcher(), base.sampler(), base.optimizer(),
                    base.parameters(), base.schedule(), null, base.manager());
            TrainingLoop loop = new TrainingLoop(parts,
                    new TrainingLoop.Cadence(STEPS, ACCUMULATION, STEPS, 0, 1.0), assembly.unsavedSafeguards(), step -> {});
            for (int step = 0; step < STEPS; step++) {
                double gradNorm = loop.optimizerStep(step + 1, 1e-3, PhaseClock.NONE);
                assertTrue(Double.isFinite(gradNorm), "step " + (step + 1));
            }
        }
        List<Double> expected = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            double alphaT = ALPHA * Math.min(1.0, t / (double) WARMUP); // WRPO's ramp, 0-based step t
            for (int micro = 0; micro < ACCUMULATION; micro++) {
                expected.add(alphaT);
            }
        }
        assertEquals(expected.size(), seen.size(), "one loss call per micro-batch");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), seen.get(i), 1e-15, "micro-batch " + i);
        }
    }

    @Test
    void aScorerWhoseLossHasNoScheduleStaysItself() {
        RunConfig config = TestConfigs.tiny(1, 1e-3, 1);
        try (RunAssembly assembly = RunAssembly.open(config, 0, note -> {})) {
            int vocab;
            try (ByteTokenizer bytes = new ByteTokenizer()) {
                vocab = bytes.vocabSize();
            }
            ModelArchitecture architecture = ModelPresets.of("llama", "tiny", vocab);
            assembly.models(manager -> RunModels.initialised(architecture, 42L, manager));
            List<TokenizedPair> pairs = SyntheticPairs.generate(8, 16, vocab, 42L);
            PreferenceScorer scorer = assembly.finish(new ReferencePlan.InMemory(pairs), 1).scorer();
            assertSame(scorer, scorer.atStep(7));
        }
    }
}
