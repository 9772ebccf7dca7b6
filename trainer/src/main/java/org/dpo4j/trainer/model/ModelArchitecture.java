package org.dpo4j.trainer.model;

import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;

/**
 * The hyper-parameters of one decoder-only model, as Hugging Face's {@code config.json} gives
 * them: a value of its {@link ModelFamily}. Everything that depends on one configuration's
 * values (its tensors, its {@code config.json}, its forward pass, its FLOPs and activation
 * counts, its smoke-test size) is answered here, by the family's own record; everything that
 * depends only on the family (its {@code model_type} names, reading a {@code config.json},
 * presets, stored tensor names) by {@link #family()}. No caller branches on the family.
 */
public interface ModelArchitecture {

    /** The family that reads, writes and runs this architecture. */
    ModelFamily family();

    /** {@code config.json}'s {@code model_type}, e.g. {@code llama}, {@code qwen2}, {@code gpt2}. */
    String modelType();

    /** V, rows of the token embedding (and of the LM head). */
    int vocabSize();

    /** d, the residual width. */
    int hiddenSize();

    /** Number of decoder blocks. */
    int numLayers();

    /** H, the query heads of each attention layer. */
    int numHeads();

    /** D, the width of one head; the queries are H·D wide. */
    int headDim();

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

    /**
     * The tables read by row lookup rather than by a matmul (token and position embeddings):
     * parameters that cost no FLOPs per position.
     */
    Set<String> lookupTables();

    /** The (V, d) matrix the LM head multiplies by: the token embedding when tied. */
    String headWeight();

    /**
     * s, the floats one decoder block keeps for the backward pass per token ({@code
     * MemoryEstimate} documents the count of each family).
     */
    long savedFloatsPerTokenPerLayer();

    /** The {@code config.json} Hugging Face would write for this architecture (ordered). */
    Map<String, Object> toHfConfig();

    /**
     * The forward pass of this architecture over {@code weights}.
     *
     * @throws IllegalArgumentException when a tensor the architecture needs is missing or has
     *                                  another shape
     */
    CausalLm forwardPass(ModelWeights weights);

    /**
     * This architecture at {@code size}: the same family, {@code model_type}, vocabulary, biases,
     * head tying, norms, activation and position limits; only the widths and depth change
     * (a smoke run's model).
     */
    ModelArchitecture resized(ModelSize size);

    /** Total number of scalars over all parameters. */
    default long parameterCount() {
        return tensorShapes().values().stream().mapToLong(Shape::size).sum();
    }
}
