package org.dpo4j.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dpo4j.trainer.model.registry.ModelPresets;
import org.junit.jupiter.api.Test;

/** N, L and A of the presets and the step FLOPs, against hand derivations. */
class ModelFlopsTest {

    @Test
    void tinyLlamaByHand() {
        // d = 128, 4 query heads of D = 32 over 2 key/value heads, SwiGLU 344, 2 layers, untied head, V = 259.
        // Per layer: q 128·128 + k 64·128 + v 64·128 + o 128·128 = 49,152; gate, up, down 3·128·344 = 132,096.
        // N_blocks = 2 · 181,248 = 362,496; N_head = 259·128 = 33,152 (the embedding's 33,152 not counted).
        ModelFlops f = ModelFlops.of(ModelPresets.of("llama", "tiny", 259));
        assertEquals(new ModelFlops(362_496, 33_152, 2, 128), f);
        assertEquals(395_648, f.matmulParams());
        // 2 pairs of T = 32 with shared prompts of P = 8: positions 2·8 + 4·24 = 112, the head at the
        // 4·24 = 96 scored positions, scores 2·8² + 4·24·(8 + 24) = 128 + 3,072 = 3,200 per head and layer.
        ForwardWork shared = new ForwardWork(112, 96, 3_200);
        // 2·362,496·112 = 81,199,104; 2·33,152·96 = 6,365,184; 4·2·128·3,200 = 3,276,800
        assertEquals(90_841_088.0, f.forward(shared));
        // policy 3× the forward, a live reference 1× more, per micro-batch
        assertEquals(90_841_088.0 * 4, f.step(shared, 1, true));
        assertEquals(90_841_088.0 * 3 * 2, f.step(shared, 2, false));
        // whole rows: positions 4·32 = 128, scores 4·32² = 4,096:
        // 2·362,496·128 = 92,798,976; 6,365,184; 4·2·128·4,096 = 4,194,304
        assertEquals(103_358_464.0, f.forward(new ForwardWork(128, 96, 4_096)));
    }

    @Test
    void loraCountsTheBasesInputGradientsAndTheAdaptersProducts() {
        ModelFlops full = ModelFlops.of(ModelPresets.of("llama", "tiny", 259));
        // r = 4 on q and v of both layers: q 4·(128 + 128) + v 4·(128 + 64) = 1,024 + 768 per layer, 3,584 in all
        ModelFlops lora = full.withAdapters(3_584);
        ForwardWork shared = new ForwardWork(112, 96, 3_200);
        double forward = 90_841_088.0; // tinyLlamaByHand
        // the base: forward and input gradients (2·forward), the adapters 6·3,584·112 = 2,408,448, the reference 1·forward
        assertEquals(forward * 3 + 2_408_448, lora.step(shared, 1, true));
        assertEquals(2 * (forward * 2 + 2_408_448), lora.step(shared, 2, false));
        assertEquals(full.forward(shared), lora.forward(shared), "the forward pass is the base's");
    }

    @Test
    void smallLlamaMatchesTheIssuesShapes() {
        // 8 layers, d = 512, 8 heads, MLP 1376, V = 8192, untied head:
        // per layer 4·512² + 3·512·1376 = 1,048,576 + 2,113,536 = 3,162,112; 8 layers 25,296,896; head 4,194,304.
        ModelFlops f = ModelFlops.of(ModelPresets.of("llama", "small", 8192));
        assertEquals(new ModelFlops(25_296_896, 4_194_304, 8, 512), f);
        // all parameters: N + embedding 4,194,304 + 17 norm vectors of 512 = 33,694,208, "about 34M"
        assertEquals(33_694_208, ModelPresets.of("llama", "small", 8192).parameterCount());
    }

    @Test
    void aTiedHeadStillCountsAsAMatmul() {
        // gpt2 tiny: d = 128, 2 layers, MLP 4d, tied head, V = 100: per layer c_attn 128·384 + c_proj 128·128
        // + c_fc 128·512 + c_proj 512·128 = 49,152 + 16,384 + 65,536 + 65,536 = 196,608; head 100·128 tied.
        // wte and wpe are lookups.
        ModelFlops f = ModelFlops.of(ModelPresets.of("gpt2", "tiny", 100));
        assertEquals(new ModelFlops(2 * 196_608, 12_800, 2, 128), f);
    }
}
