package org.dpo4j.trainer.model;

/**
 * The widths and depth of a model, apart from its family's other choices: what a preset or a
 * smoke run's shrink fixes. A family reads what applies to it (GPT-2's MLP is always 4·d).
 *
 * @param hiddenSize       d
 * @param numLayers        decoder blocks
 * @param numHeads         query heads H; heads are d / H wide
 * @param groupedKvHeads   key/value heads when the model groups its queries (fewer than H)
 * @param intermediateSize the MLP width of a gated (SwiGLU) MLP
 */
public record ModelSize(int hiddenSize, int numLayers, int numHeads, int groupedKvHeads, int intermediateSize) {}
