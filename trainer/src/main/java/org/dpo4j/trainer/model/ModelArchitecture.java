package org.dpo4j.trainer.model;

import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * The hyper-parameters of a supported decoder-only architecture, as Hugging Face's
 * {@code config.json} gives them. A closed family: one record per forward-pass implementation.
 */
public sealed interface ModelArchitecture permits LlamaConfig, Gpt2Config {

    /** {@code config.json}'s {@code model_type}, e.g. {@code llama}, {@code qwen2}, {@code gpt2}. */
    String modelType();

    /** V, rows of the token embedding (and of the LM head). */
    int vocabSize();

    /** d, the residual width. */
    int hiddenSize();

    /** Number of decoder blocks. */
    int numLayers();

    /** Whether the LM head reuses the token embedding matrix (no {@code lm_head.weight}). */
    boolean tieWordEmbeddings();

    /**
     * The config's position limit ({@code max_position_embeddings}, GPT-2's {@code n_positions});
     * also the tokenizer's {@code model_max_length} when dpo4j writes one.
     */
    int maxPositions();

    /**
     * The longest sequence the model accepts, or {@link Integer#MAX_VALUE} when positions are
     * unbounded (rotary embeddings extrapolate; {@code max_position_embeddings} is only a hint).
     */
    int maxSequenceLength();

    /** Every parameter under its Hugging Face name, in checkpoint order, with its shape. */
    Map<String, Shape> tensorShapes();

    /** The {@code config.json} Hugging Face would write for this architecture (ordered). */
    Map<String, Object> toHfConfig();

    /** Total number of scalars over all parameters. */
    default long parameterCount() {
        return tensorShapes().values().stream().mapToLong(Shape::size).sum();
    }
}
