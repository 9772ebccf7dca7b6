package org.dpo4j.trainer.model;

/**
 * Hyper-parameters of a Llama-family decoder, named after Hugging Face's {@code config.json}.
 *
 * @param vocabSize         V, rows of the embedding and of the LM head
 * @param hiddenSize        d, the residual width
 * @param numLayers         decoder blocks
 * @param numHeads          query heads H; head size D = d / H
 * @param numKvHeads        key/value heads (grouped-query attention when < H; H must divide)
 * @param intermediateSize  SwiGLU width
 * @param rmsNormEps        ε inside RMSNorm
 * @param ropeTheta         rotary base θ
 * @param maxPositions      longest sequence the model is meant for
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 */
public record LlamaConfig(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int intermediateSize,
        double rmsNormEps,
        double ropeTheta,
        int maxPositions,
        boolean tieWordEmbeddings) {

    public LlamaConfig {
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size " + hiddenSize + " is not divisible by num_heads " + numHeads);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(
                    "num_heads " + numHeads + " is not divisible by num_kv_heads " + numKvHeads);
        }
        if ((hiddenSize / numHeads) % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head size");
        }
    }

    /** D, the size of one attention head. */
    public int headDim() {
        return hiddenSize / numHeads;
    }
}
