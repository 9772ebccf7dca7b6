package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dpo4j.trainer.model.Gpt2Config;
import org.dpo4j.trainer.model.LlamaConfig;
import org.junit.jupiter.api.Test;

/** The estimate's formula against hand-derived counts for two toy architectures. */
class MemoryEstimateTest {

    /** V = 10, d = 4, 1 layer, H = 2 heads over H_kv = 1 of size h = 2, I = 6, untied head. */
    private static final LlamaConfig LLAMA = new LlamaConfig(
            "llama", 10, 4, 1, 2, 1, 2, 6, 1e-5, 10_000.0, 64, false, false, false, false);

    @Test
    void llamaByHand() {
        // parameters: embedding 10·4 + q 4·4 + k 2·4 + v 2·4 + o 4·4 + gate/up/down 3·6·4
        // + two RMSNorm weights 2·4 + final norm 4 + head 10·4 = 212
        assertEquals(212, LLAMA.parameterCount());
        // per token per layer: 8d 32 + q,k,v (2+2)·2 8 + rotated q,k (2+1)·2 6 + context 2·2 4 + 4I 24 = 74
        // head per token: 3d 12 + 2V 20 = 32; T = 3: 3·(74 + 32) = 318; scores 1·3·2·3² = 54 -> 372 floats per row
        assertEquals(372, MemoryEstimate.forwardFloatsPerRow(LLAMA, 3, false));
        // with a per-token KL the head keeps 5V: 3·(74 + 12 + 50) + 54 = 462
        assertEquals(462, MemoryEstimate.forwardFloatsPerRow(LLAMA, 3, true));

        // batch 1 (2 rows), T = 3, accumulation 2: 4 bytes · 2 · 2 rows · 372 = 5952 per forward
        MemoryEstimate live = MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, false, 1, 3, 2, 100);
        assertEquals(new MemoryEstimate(4 * 212, 4 * 212, 0, 4 * 212, 8 * 212, 5952, 5952), live);
        assertEquals(4 * 212 * 5 + 2 * 5952, live.total());

        // precomputed: no reference weights or forward, 32 bytes per cached pair
        MemoryEstimate cached = MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.PRECOMPUTED, false, 1, 3, 2, 100);
        assertEquals(new MemoryEstimate(4 * 212, 0, 3200, 4 * 212, 8 * 212, 5952, 0), cached);
        // reference-free: its weights are loaded but never run
        MemoryEstimate unused = MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.UNUSED, false, 1, 3, 2, 100);
        assertEquals(new MemoryEstimate(4 * 212, 4 * 212, 0, 4 * 212, 8 * 212, 5952, 0), unused);
    }

    @Test
    void gpt2ByHand() {
        // V = 10, d = 4, 1 layer, 2 heads, inner 8, 16 positions
        Gpt2Config gpt2 = new Gpt2Config(10, 4, 1, 2, 8, 16, 1e-5, "gelu_new", true, true);
        // per token per layer: 12d 48 + 2·inner 16 = 64; head 3d 12 + 2V 20 = 32;
        // T = 2: 2·(64 + 32) = 192; scores 1·3·2·2² = 24 -> 216
        assertEquals(216, MemoryEstimate.forwardFloatsPerRow(gpt2, 2, false));
    }

    @Test
    void activationsGrowWithBatchAccumulationAndQuadraticallyInLength() {
        long base = MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, false, 1, 8, 1, 0).policyActivations();
        assertEquals(2 * base, MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, false, 2, 8, 1, 0).policyActivations());
        assertEquals(3 * base, MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, false, 1, 8, 3, 0).policyActivations());
        // doubling T doubles the linear part and quadruples the scores: 2·(8·106) + 4·(3·2·64)
        assertEquals(4L * 2 * (2 * 8 * 106 + 4 * 3 * 2 * 64),
                MemoryEstimate.of(LLAMA, LLAMA, MemoryEstimate.ReferenceMode.LIVE, false, 1, 16, 1, 0).policyActivations());
    }
}
