package org.dpo4j.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dpo4j.losses.LossRequirements;
import org.dpo4j.losses.RaDpoVariant;
import org.dpo4j.losses.RiskAwareDpoLoss;
import org.dpo4j.losses.TailRisk;
import org.dpo4j.losses.WrpoLoss;
import org.dpo4j.losses.WrpoVariant;
import org.dpo4j.trainer.model.gpt2.Gpt2Config;
import org.dpo4j.trainer.model.llama.LlamaConfig;
import org.junit.jupiter.api.Test;

/** The estimate's formula against hand-derived counts for two toy architectures. */
class MemoryEstimateTest {

    /** The measured JVM and libtorch term, the same in every estimate. */
    private static final long RUNTIME = MemoryEstimate.RUNTIME_MIB << 20;

    /** V = 10, d = 4, 1 layer, H = 2 heads over H_kv = 1 of size h = 2, I = 6, untied head. */
    private static final LlamaConfig LLAMA = new LlamaConfig(
            "llama", 10, 4, 1, 2, 1, 2, 6, 1e-5, 10_000.0, 64, false, false, false, false);

    /**
     * The head at a large vocabulary: V = 131,072 gives chunks of 128 rows (16 MiB / (4·V) is
     * less); d = 1,024. With the label log-probs alone, M = 2,048 scored positions keep at most
     * d of them (the (M, V) probabilities fit only where M ≤ d): (1,024 + 2·128) rows of V,
     * more than the recomputed chunk's 4·128; with a per-token divergence the chunk's 6·128.
     */
    @Test
    void headAtALargeVocabulary() {
        LlamaConfig large = new LlamaConfig("llama", 131_072, 1024, 1, 8, 8, 128, 2816, 1e-5, 10_000.0, 64, false, false,
                false, false);
        long v = 131_072;
        assertEquals((1024 + 2 * 128) * v, MemoryEstimate.headFloats(large, 2048, false));
        assertEquals((512 + 2 * 128) * v, MemoryEstimate.headFloats(large, 512, false));
        assertEquals(6 * 128 * v, MemoryEstimate.headFloats(large, 2048, true));
        assertEquals(4 * 128 * v, MemoryEstimate.headFloats(large, 128, false));
    }

    @Test
    void llamaByHand() {
        // parameters: embedding 10·4 + q 4·4 + k 2·4 + v 2·4 + o 4·4 + gate/up/down 3·6·4
        // + two RMSNorm weights 2·4 + final norm 4 + head 10·4 = 212
        assertEquals(212, LLAMA.parameterCount());
        // s = 5d 20 + 3·H·h 12 + 5I 30 = 62 per token per layer
        assertEquals(62, MemoryEstimate.savedPerTokenPerLayer(LLAMA));
        // saved, T = 3: 3·1·62 186 + 1·2·3² 18 (softmax) + 3·(d 4 + 4 scalars) 24 = 228: no V term,
        // the head keeps no (M, V) array
        assertEquals(228, MemoryEstimate.savedFloatsPerRow(LLAMA, 3, false));
        // with a per-token divergence one more scalar per position: 186 + 18 + 3·(4 + 5) = 231
        assertEquals(231, MemoryEstimate.savedFloatsPerRow(LLAMA, 3, true));
        // the running chunk: 2 rows · 3 positions = 6 rows (fewer than a chunk's), 4 arrays of (6, V 10)
        // = 240 floats; with a per-token divergence 6 arrays = 360
        assertEquals(240, MemoryEstimate.headFloats(LLAMA, 6, false));
        assertEquals(360, MemoryEstimate.headFloats(LLAMA, 6, true));
        // (kept probabilities would be min(6, d 4) + 2 chunk arrays · 6 = 16 rows of V, fewer than these 24)
        // one block while it runs: 3·62 186 + 3·2·3² 54 (raw, scaled, masked scores) = 240
        assertEquals(240, MemoryEstimate.blockFloatsPerRow(LLAMA, 3));

        // batch 1 (2 rows), T = 3: 4 bytes · (2 rows · (228 + 240) + chunk 240) = 4704; a live reference
        // keeps nothing
        MemoryEstimate live = MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, false, 1, 3, 100);
        assertEquals(new MemoryEstimate(4 * 212, 4 * 212, 0, 4 * 212, 8 * 212, 4704, 0, RUNTIME), live);
        assertEquals(4 * 212 * 5 + 4704 + RUNTIME, live.total());

        // TDPO: policy 4·(2·(231 + 240) + 360) = 5208, and the reference's hidden states 4·2·3·d 4 = 96
        MemoryEstimate tdpo = MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, true, 1, 3, 100);
        assertEquals(new MemoryEstimate(4 * 212, 4 * 212, 0, 4 * 212, 8 * 212, 5208, 96, RUNTIME), tdpo);

        // precomputed: no reference weights, 32 bytes per cached pair
        MemoryEstimate cached = MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.PRECOMPUTED, false, 1, 3, 100);
        assertEquals(new MemoryEstimate(4 * 212, 0, 3200, 4 * 212, 8 * 212, 4704, 0, RUNTIME), cached);
        // reference-free: its weights are loaded but never run
        MemoryEstimate unused = MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.UNUSED, false, 1, 3, 100);
        assertEquals(new MemoryEstimate(4 * 212, 4 * 212, 0, 4 * 212, 8 * 212, 4704, 0, RUNTIME), unused);
    }

    /**
     * The estimate from a loss's requirements (what {@code validate} and {@code bench} both use):
     * Ra-DPO reads the reference's per-token distribution as TDPO does, so it counts the same head
     * and reference terms; WRPO's 3 rows per pair scale the activations by 3/2 of DPO's 2 (the head's
     * running chunk too: its 9 positions are fewer than a chunk's rows).
     */
    @Test
    void fromTheLossRequirements() {
        MemoryEstimate.ReferenceMode live = MemoryEstimate.ReferenceMode.LIVE;
        MemoryEstimate tdpo = MemoryEstimate.of(LLAMA, LLAMA, live, true, 1, 3, 100);
        MemoryEstimate dpo = MemoryEstimate.of(LLAMA, LLAMA, live, false, 1, 3, 100);
        LossRequirements raDpo = new RiskAwareDpoLoss(0.1, 0.5, RaDpoVariant.RA_DPO1, new TailRisk(0.9, false))
                .requirements();
        assertEquals(tdpo, MemoryEstimate.of(LLAMA, LLAMA, live, raDpo, 1, 2, 3, 100));
        assertEquals(tdpo, MemoryEstimate.of(LLAMA, LLAMA, live, LossRequirements.WITH_TOKEN_KL, 1, 2, 3, 100));
        assertEquals(dpo, MemoryEstimate.of(LLAMA, LLAMA, live, LossRequirements.POLICY_AND_REFERENCE, 1, 2, 3, 100));
        MemoryEstimate wrpo = MemoryEstimate.of(LLAMA, LLAMA, live, new WrpoLoss(0.1, 0.5, 0, WrpoVariant.WRPO)
                .requirements(), 1, 3, 3, 100);
        assertEquals(dpo.policyActivations() * 3 / 2, wrpo.policyActivations());
    }

    @Test
    void gpt2ByHand() {
        // V = 10, d = 4, 1 layer, 2 heads, inner 8, 16 positions
        Gpt2Config gpt2 = new Gpt2Config(10, 4, 1, 2, 8, 16, 1e-5, "gelu_new", true, true);
        // s = 8d 32 + 5·inner 40 = 72
        assertEquals(72, MemoryEstimate.savedPerTokenPerLayer(gpt2));
        // T = 2: 2·72 144 + 2·2² 8 + 2·(d 4 + 4 scalars) 16 = 168; one block 144 + 3·2·2² 24 = 168
        assertEquals(168, MemoryEstimate.savedFloatsPerRow(gpt2, 2, false));
        assertEquals(168, MemoryEstimate.blockFloatsPerRow(gpt2, 2));
    }

    /**
     * From 100M parameters the Llama family's blocks are back-propagated in segments, and the
     * SwiGLU keeps 2 (·, I) arrays instead of 5 (gate and up; the product is recomputed):
     * Qwen2.5-0.5B's shape, 5·896 + 3·14·64 + 2·4,864.
     */
    @Test
    void aLargeLlamaKeepsTwoSwiGluArrays() {
        LlamaConfig qwen05 = new LlamaConfig(
                "qwen2", 151_936, 896, 24, 14, 2, 64, 4864, 1e-6, 1_000_000.0, 32_768, true, true, false, false);
        assertTrue(qwen05.parameterCount() >= 100_000_000L, "above the segments' threshold");
        assertEquals(5L * 896 + 3L * 14 * 64 + 2L * 4864, MemoryEstimate.savedPerTokenPerLayer(qwen05));
    }

    @Test
    void activationsGrowWithTheBatchAndQuadraticallyInLengthButNotWithAccumulation() {
        long base = MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, false, 1, 8, 0).policyActivations();
        assertEquals(2 * base, MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, false, 2, 8, 0).policyActivations());
        // T = 8 per row: linear 8·(62 + 8) + 8·62 = 1056, quadratic (2 + 6)·64 = 512; the head's
        // chunk 4 arrays · 16 positions · V 10 = 640 (fewer positions than a chunk's rows, so linear);
        // doubling T doubles the linear parts and quadruples the scores
        assertEquals(4L * (2 * (1056 + 512) + 640), base);
        assertEquals(4L * (2 * (2 * 1056 + 4 * 512) + 2 * 640),
                MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, false, 1, 16, 0).policyActivations());
    }
}
