package org.dpo4j.trainer.model.llama;

import org.dpo4j.trainer.model.ModelWeights;

/**
 * The {@code llama} family's model (Llama, Mistral, Qwen2, SmolLM): {@link LlamaStyleModel}'s
 * block as it is, with the biases its {@link LlamaConfig} declares (Qwen2's q/k/v, Llama's
 * {@code attention_bias} and {@code mlp_bias}).
 */
public final class LlamaModel extends LlamaStyleModel<LlamaConfig> {

    /** @throws IllegalArgumentException when a tensor of {@code config} is missing or mis-shaped */
    public LlamaModel(LlamaConfig config, ModelWeights weights) {
        super(config, weights);
    }
}
