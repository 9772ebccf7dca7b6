package org.dpo4j.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dpo4j.trainer.model.ModelPresets;
import org.junit.jupiter.api.Test;

/** N, L and A of the presets and the step FLOPs, against hand derivations. */
class ModelFlopsTest {

    @Test
    void tinyLlamaByHand() {
        // d = 128, 4 query heads of D = 32 over 2 key/value heads, SwiGLU 344, 2 layers, untied head, V = 259.
        // Per layer: q 128·128 + k 64·128 + v 64·128 + o 128·128 = 49,152; gate, up, down 3·128·344 = 132,096.
        // N = 2 · 181,248 + head 259·128 = 362,496 + 33,152 = 395,648 (the embedding's 33,152 not counted).
        ModelFlops f = ModelFlops.of(ModelPresets.of("llama", "tiny", 259));
        assertEquals(new ModelFlops(395_648, 2, 128), f);
        // One row of T = 32: 2·N·T = 25,321,472 plus 4·L·T²·A = 4·2·1024·128 = 1,048,576.
        assertEquals(26_370_048.0, f.forwardPerRow(32));
        // 4 rows (2 pairs), policy 3× the forward, live reference 1× more.
        assertEquals(4 * 26_370_048.0 * 4, f.stepFlops(4, 32, true));
        assertEquals(4 * 26_370_048.0 * 3, f.stepFlops(4, 32, false));
    }

    @Test
    void smallLlamaMatchesTheIssuesShapes() {
        // 8 layers, d = 512, 8 heads, MLP 1376, V = 8192, untied head:
        // per layer 4·512² + 3·512·1376 = 1,048,576 + 2,113,536 = 3,162,112; 8 layers 25,296,896; head 4,194,304.
        ModelFlops f = ModelFlops.of(ModelPresets.of("llama", "small", 8192));
        assertEquals(new ModelFlops(29_491_200, 8, 512), f);
        // all parameters: N + embedding 4,194,304 + 17 norm vectors of 512 = 33,694,208, "about 34M"
        assertEquals(33_694_208, ModelPresets.of("llama", "small", 8192).parameterCount());
    }

    @Test
    void aTiedHeadStillCountsAsAMatmul() {
        // gpt2 tiny: d = 128, 2 layers, MLP 4d, tied head, V = 100: per layer c_attn 128·384 + c_proj 128·128
        // + c_fc 128·512 + c_proj 512·128 = 49,152 + 16,384 + 65,536 + 65,536 = 196,608; head 100·128 tied.
        // wte and wpe are lookups.
        ModelFlops f = ModelFlops.of(ModelPresets.of("gpt2", "tiny", 100));
        assertEquals(new ModelFlops(2 * 196_608 + 12_800, 2, 128), f);
    }
}
