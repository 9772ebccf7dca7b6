package org.dpo4j.trainer.smoke;

import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelSize;

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

    /** The sizes above, which each family applies to its own record ({@link ModelArchitecture#resized}). */
    static final ModelSize SIZE = new ModelSize(HIDDEN, LAYERS, HEADS, 2, MLP);

    private SmokeArchitecture() {}

    static ModelArchitecture of(ModelArchitecture original) {
        return original.resized(SIZE);
    }
}
