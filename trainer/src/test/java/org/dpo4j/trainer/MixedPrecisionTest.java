package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.bench.SyntheticPairs;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.metrics.PhaseClock;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.optim.LossScaler;
import org.dpo4j.trainer.run.AssembledRun;
import org.dpo4j.trainer.run.ReferencePlan;
import org.dpo4j.trainer.run.RunAssembly;
import org.dpo4j.trainer.run.RunModels;
import org.dpo4j.trainer.run.StepPrecision;
import org.dpo4j.trainer.run.TrainingLoop;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

/**
 * The training loop in fp16 (float16 products, float32 master weights, loss scaling) on the CPU,
 * with the tiny preset shrunk to few tokens: the unscaled gradient norms follow the float32 run's,
 * and an overflow skips the update and backs the scale off, as GradScaler does.
 *
 * <p>The norm tolerance. Each weight product rounds its inputs to float16 (unit roundoff
 * u = 2^-11); over a dot product of k terms the rounding errors are independent, so the relative
 * error of a product is about √k·u (k ≤ 128 here: ≈ 0.6%), and the gradient norm passes through
 * every product of the forward and backward (about 2 × 15 of them in the 2-layer model). Independent
 * errors add in quadrature: √30 × 0.6% ≈ 3%. The test allows 2× that, 6% of the float32 norm;
 * a missing unscale would be off by 65,536×, a broken cast by far more than 6%.
 */
class MixedPrecisionTest {

    private static final int STEPS = 3;
    private static final double NORM_TOLERANCE = 0.06;

    private record Run(RunAssembly assembly, TrainingLoop loop, TrainingLoop.Parts parts) implements AutoCloseable {
        @Override
        public void close() {
            assembly.close();
        }
    }

    private static Run open(StepPrecision precision) {
        RunConfig config = TestConfigs.tiny(STEPS, 1e-3, 1);
        int batchSize = config.train().batchSize();
        RunAssembly assembly = RunAssembly.open(config, 0, note -> {});
        int vocab;
        try (ByteTokenizer bytes = new ByteTokenizer()) {
            vocab = bytes.vocabSize();
        }
        ModelArchitecture architecture = ModelPresets.of("llama", "tiny", vocab);
        assembly.models(manager -> RunModels.initialised(architecture, 42L, manager));
        List<TokenizedPair> pairs = SyntheticPairs.generate(batchSize * (STEPS + 2), 12, vocab, 42L);
        AssembledRun run = assembly.finish(new ReferencePlan.InMemory(pairs), STEPS);
        TrainingLoop.Parts base = run.loopParts(new PairSampler(pairs, batchSize, false, 42L), null);
        TrainingLoop.Parts parts = new TrainingLoop.Parts(base.scorer(), base.batcher(), base.sampler(),
                base.optimizer(), base.parameters(), base.schedule(), null, base.manager(), precision);
        TrainingLoop loop = new TrainingLoop(parts, new TrainingLoop.Cadence(STEPS, 1, STEPS, 0, 1.0),
                assembly.unsavedSafeguards(), step -> {});
        return new Run(assembly, loop, parts);
    }

    private static List<Double> norms(StepPrecision precision) {
        List<Double> norms = new ArrayList<>();
        try (Run run = open(precision)) {
            for (int step = 1; step <= STEPS; step++) {
                norms.add(run.loop().optimizerStep(step, 1e-3, PhaseClock.NONE));
            }
        }
        return norms;
    }

    @Test
    void fp16GradientNormsFollowFloat32sAndTheScaleHoldsWithoutOverflow() {
        LossScaler scaler = new LossScaler();
        List<Double> fp32 = norms(new StepPrecision.Fp32());
        List<Double> fp16 = norms(new StepPrecision.MixedFp16(scaler));
        for (int i = 0; i < STEPS; i++) {
            double relative = Math.abs(fp16.get(i) - fp32.get(i)) / fp32.get(i);
            assertTrue(relative <= NORM_TOLERANCE, "step " + (i + 1) + ": fp32 " + fp32.get(i) + ", fp16 "
                    + fp16.get(i) + " (" + relative + ")");
        }
        assertNotEquals(fp32, fp16, "the fp16 run computed in float16");
        assertEquals(new LossScaler.State(LossScaler.INIT_SCALE, STEPS), scaler.state(),
                "no overflow: the scale stays and counts the good steps");
    }

    @Test
    void anOverflowSkipsTheUpdateAndBacksOff() {
        // 2^120: the scaled gradients exceed float16's range (65,504) at once
        double huge = Math.scalb(1.0, 120);
        LossScaler scaler = new LossScaler(new LossScaler.State(huge, 7));
        try (Run run = open(new StepPrecision.MixedFp16(scaler))) {
            float[] before = run.parts().parameters().get(0).toFloatArray();
            double norm = run.loop().optimizerStep(1, 1e-3, PhaseClock.NONE);
            assertTrue(Double.isNaN(norm), "an overflowed step reports no norm");
            assertEquals(new LossScaler.State(huge * LossScaler.BACKOFF, 0), scaler.state());
            assertEquals(0, run.parts().optimizer().steps(), "no update");
            assertArrayEquals(before, run.parts().parameters().get(0).toFloatArray(), "weights unchanged");

            // back at a sane scale the next step updates, from zeroed gradients
            scaler.restore(LossScaler.State.initial());
            norm = run.loop().optimizerStep(2, 1e-3, PhaseClock.NONE);
            assertTrue(Double.isFinite(norm), "norm " + norm);
            assertEquals(1, run.parts().optimizer().steps());
            assertFalse(java.util.Arrays.equals(before, run.parts().parameters().get(0).toFloatArray()));
        }
    }
}
