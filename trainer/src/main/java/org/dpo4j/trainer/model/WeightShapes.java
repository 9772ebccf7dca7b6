package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * Checks weights against their architecture before a forward pass uses them, so that a missing
 * or mis-shaped tensor fails with its name rather than as a matmul error deep inside a block.
 * Extra tensors (e.g. an {@code lm_head.weight} kept beside a tied head) are ignored.
 */
public final class WeightShapes {

    private WeightShapes() {}

    /** @throws IllegalArgumentException naming the first missing or mis-shaped tensor */
    public static void require(ModelArchitecture architecture, ModelWeights weights) {
        for (Map.Entry<String, Shape> expected : architecture.tensorShapes().entrySet()) {
            NDArray tensor = weights.all().get(expected.getKey());
            if (tensor == null) {
                throw new IllegalArgumentException(
                        architecture.modelType() + " model has no tensor " + expected.getKey() + " " + expected.getValue());
            }
            if (!tensor.getShape().equals(expected.getValue())) {
                throw new IllegalArgumentException("tensor " + expected.getKey() + " has shape " + tensor.getShape()
                        + ", expected " + expected.getValue());
            }
        }
    }
}
