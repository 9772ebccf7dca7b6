package org.dpo4j.trainer.smoke;

import org.dpo4j.trainer.model.Gpt2Config;
import org.dpo4j.trainer.model.LlamaConfig;
import org.dpo4j.trainer.model.ModelArchitecture;

/**
 * A user's architecture at smoke-test size. Everything that changes which code runs is kept:
 * the family and {@code model_type}, biases, head tying, grouped-query attention, norms, the
 * rotary base, the activation, position limits and the full vocabulary (so the user's tokenizer
 * fits). Only the sizes shrink: 2 layers, d = {@value #HIDDEN}, {@value #HEADS} query heads of
 * 16 (2 key/value heads when the original groups its queries), MLP width {@value #MLP} (GPT-2:
 * 4·d). A 49k-token vocabulary then costs 2·49152·64 ≈ 6.3 M parameters, the blocks about 0.1 M.
 */
final class SmokeArchitecture {

    static final int HIDDEN = 64;
    static final int LAYERS = 2;
    static final int HEADS = 4;
    static final int MLP = 128;

    private SmokeArchitecture() {}

    static ModelArchitecture of(ModelArchitecture original) {
        if (original instanceof LlamaConfig l) {
            int kvHeads = l.numKvHeads() < l.numHeads() ? 2 : HEADS;
            return new LlamaConfig(l.modelType(), l.vocabSize(), HIDDEN, LAYERS, HEADS, kvHeads, HIDDEN / HEADS, MLP,
                    l.rmsNormEps(), l.ropeTheta(), l.maxPositions(), l.tieWordEmbeddings(), l.qkvBias(),
                    l.outputBias(), l.mlpBias());
        }
        if (original instanceof Gpt2Config g) {
            return new Gpt2Config(g.vocabSize(), HIDDEN, LAYERS, HEADS, 4 * HIDDEN, g.maxPositions(), g.layerNormEps(),
                    g.activation(), g.tieWordEmbeddings(), g.scaleAttnWeights());
        }
        throw new IllegalArgumentException("no smoke size for " + original.getClass().getSimpleName());
    }
}
