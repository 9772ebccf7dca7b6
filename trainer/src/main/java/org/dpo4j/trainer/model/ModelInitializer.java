package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random initial weights as Hugging Face initialises a fresh model: every matrix drawn from
 * N(0, 0.02²), every norm weight at its family's identity (1, or 0 for Gemma's 1 + w) and every bias 0. Drawn in Java from {@link Random} seeded
 * with the run's seed, tensor by tensor in checkpoint order, so the same seed gives bit-identical
 * weights on any engine or device.
 */
public final class ModelInitializer {

    /** Hugging Face's {@code initializer_range}. */
    public static final double INIT_STD = 0.02;

    private ModelInitializer() {}

    /**
     * @param architecture the model
     * @param seed         seed of the draw
     * @param manager      parent manager; the weights get a child manager of it
     * @return freshly drawn float32 weights under Hugging Face names
     */
    public static ModelWeights randomWeights(ModelArchitecture architecture, long seed, NDManager manager) {
        NDManager weightsManager = manager.newSubManager();
        Random random = new Random(seed);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> entry : architecture.tensorShapes().entrySet()) {
            String name = entry.getKey();
            Shape shape = entry.getValue();
            float[] values = new float[Math.toIntExact(shape.size())];
            if (architecture.family().isNormScale(name)) {
                Arrays.fill(values, architecture.family().normIdentity());
            } else if (!name.endsWith(".bias")) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * INIT_STD);
                }
            }
            tensors.put(name, ModelWeights.owned(weightsManager, values, shape));
        }
        return new ModelWeights(weightsManager, tensors);
    }
}
