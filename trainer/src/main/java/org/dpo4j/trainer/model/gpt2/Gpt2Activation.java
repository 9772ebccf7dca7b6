package org.dpo4j.trainer.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.dpo4j.losses.Constants;
import org.dpo4j.trainer.model.Gelu;

/** GPT-2's MLP activations, by their {@code activation_function} name ({@link Gpt2Config#ACTIVATIONS}). */
final class Gpt2Activation {

    private Gpt2Activation() {}

    /**
     * @param name one of {@link Gpt2Config#ACTIVATIONS}
     * @param x    any shape
     * @return same shape
     */
    static NDArray apply(String name, NDArray x) {
        return switch (name) {
            case "gelu_new" -> geluTanh(x);
            case "gelu" -> geluErf(x);
            case "relu" -> Activation.relu(x);
            default -> throw new IllegalArgumentException("activation_function " + name + " is not one of "
                    + Gpt2Config.ACTIVATIONS);
        };
    }

    /**
     * {@code gelu_new}, GPT-2's own: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). It differs from
     * the exact GELU by up to about 1e-3, which shows in the logits.
     */
    static NDArray geluTanh(NDArray x) {
        return Gelu.tanh(x);
    }

    /** {@code gelu}, the exact form: 0.5·x·(1 + erf(x/√2)). */
    static NDArray geluErf(NDArray x) {
        return Constants.times(x, 0.5).mul(Constants.dividedBy(x, Math.sqrt(2)).erf().add(1));
    }
}
