package org.dpo4j.trainer.model;

/**
 * The adapters a model's weights carry, by module (a weight's name without {@code .weight},
 * e.g. {@code model.layers.0.self_attn.q_proj}): {@link Linear#named} asks here once per layer
 * and forward pass, so an adapter attaches to every family at once.
 */
@FunctionalInterface
public interface LinearAdapters {

    /** No adapters: the base model. */
    LinearAdapters NONE = module -> null;

    /** The adapter of {@code module}, or null when it has none. */
    LinearAdapter forModule(String module);

    /**
     * Told before each optimizer step (0-based) what step it is, so that adapters drawing
     * randomness in training (LoRA's dropout) key it to the step and a resumed run draws alike.
     */
    default void atStep(long step) {}
}
