package org.dpo4j.trainer.model;

/**
 * What every family's forward pass holds: its architecture and its weights, checked against
 * each other once, when the model is built.
 *
 * @param <C> the family's architecture record
 */
public abstract class DecoderModel<C extends ModelArchitecture> implements CausalLm {

    /** The hyper-parameters the forward pass reads. */
    protected final C config;

    /** The parameters, under their Hugging Face names. */
    protected final ModelWeights weights;

    /** @throws IllegalArgumentException when a tensor of {@code config} is missing or mis-shaped */
    protected DecoderModel(C config, ModelWeights weights) {
        WeightShapes.require(config, weights);
        this.config = config;
        this.weights = weights;
    }

    @Override
    public ModelArchitecture architecture() {
        return config;
    }

    @Override
    public ModelWeights weights() {
        return weights;
    }
}
