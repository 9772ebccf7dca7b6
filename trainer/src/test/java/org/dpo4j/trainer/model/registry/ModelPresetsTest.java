package org.dpo4j.trainer.model.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.llama.LlamaConfig;
import org.junit.jupiter.api.Test;

class ModelPresetsTest {

    /**
     * Qwen2.5-0.5B's config.json (huggingface.co/Qwen/Qwen2.5-0.5B): d 896, 24 layers, 14 heads
     * over 2 key/value heads of 64, SwiGLU width 4864, V 151,936, tied head, q/k/v biases only,
     * ε 1e-6, θ 1e6, 32,768 positions.
     */
    @Test
    void qwen05IsQwen25HalfBillionsShape() {
        ModelArchitecture shape = ModelPresets.shape("qwen05");
        assertEquals(new LlamaConfig("qwen2", 151_936, 896, 24, 14, 2, 64, 4864, 1e-6, 1_000_000.0, 32_768,
                true, true, false, false), shape);
        assertTrue(ModelPresets.SHAPES.contains("qwen05"));
    }

    /**
     * The parameter count derived from the shapes, without building the model: 494,032,768 as
     * Qwen2.5-0.5B's model card states (0.49B).
     *
     * <pre>
     *   embedding (tied with the head)   V·d                    151936·896  = 136,134,656
     *   per layer: q   d·(H·dh) + H·dh   896·896 + 896          =     803,712
     *              k,v 2·(d·(Hkv·dh) + Hkv·dh)   2·(896·128 + 128) =   229,632
     *              o   (H·dh)·d          896·896                =     802,816
     *              MLP 3·d·I             3·896·4864             =  13,074,432
     *              2 RMSNorm scales      2·896                  =       1,792
     *              together                                     =  14,912,384; ×24 = 357,897,216
     *   final norm                       d                                    =         896
     *   total                                                                 = 494,032,768
     * </pre>
     */
    @Test
    void qwen05HasTheDerivedParameterCount() {
        long d = 896;
        long v = 151_936;
        long q = 14 * 64;
        long kv = 2 * 64;
        long layer = (d * q + q) + 2 * (d * kv + kv) + q * d + 3 * d * 4864 + 2 * d;
        long derived = v * d + 24 * layer + d;
        assertEquals(494_032_768L, derived, "the derivation's sum");
        assertEquals(derived, ModelPresets.shape("qwen05").parameterCount());
    }

    /**
     * Gemma 3 270M's parameter count derived from its config.json's shapes: 268,098,176, the
     * "270M" of its name.
     *
     * <pre>
     *   embedding (tied with the head)   V·d                    262144·640  = 167,772,160
     *   per layer: q   d·(H·dh)          640·1024               =     655,360
     *              k,v 2·d·(Hkv·dh)      2·640·256              =     327,680
     *              o   (H·dh)·d          1024·640               =     655,360
     *              MLP 3·d·I             3·640·2048             =   3,932,160
     *              4 RMSNorm scales      4·640                  =       2,560
     *              q/k RMSNorm scales    2·256                  =         512
     *              together                                     =   5,573,632; ×18 = 100,325,376
     *   final norm                       d                                    =         640
     *   total                                                                 = 268,098,176
     * </pre>
     */
    @Test
    void gemma3270mHasTheDerivedParameterCount() {
        long d = 640;
        long q = 4 * 256;
        long kv = 256;
        long layer = d * q + 2 * d * kv + q * d + 3 * d * 2048 + 4 * d + 2 * 256;
        long derived = 262_144L * d + 18 * layer + d;
        assertEquals(268_098_176L, derived, "the derivation's sum");
        assertEquals(derived, ModelPresets.shape("gemma3_270m").parameterCount());
        assertTrue(ModelPresets.SHAPES.contains("gemma3_270m"));
    }

    @Test
    void anUnknownShapeNamesTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelPresets.shape("qwen7"));
        assertEquals("unknown model shape 'qwen7'; one of " + ModelPresets.SHAPES, e.getMessage());
        assertTrue(List.of("tiny", "small").containsAll(ModelPresets.PRESETS), "shapes are no size presets");
    }
}
