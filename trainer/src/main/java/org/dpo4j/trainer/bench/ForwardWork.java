package org.dpo4j.trainer.bench;

/**
 * What one forward pass over one micro-batch computes, counted on the batch the step runs.
 *
 * @param positions     token positions through the decoder blocks: 2B·T for whole rows,
 *                      B·P + 2B·C with shared prompts
 * @param headPositions positions at which the LM head runs (the scored ones)
 * @param scores        query-key scores per head and layer, masked ones included (the model
 *                      computes the whole score matrix of each attention group, then masks):
 *                      2B·T² for whole rows, B·P² + 2B·C·(P + C) with shared prompts
 */
public record ForwardWork(long positions, long headPositions, long scores) {}
