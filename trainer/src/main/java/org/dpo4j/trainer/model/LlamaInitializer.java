package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random initial weights as Hugging Face initialises a fresh Llama: every matrix drawn from
 * N(0, 0.02²), every RMSNorm weight 1. Drawn in Java from {@link Random} seeded with the run's
 * seed, so the same seed gives bit-identical weights on any engine or device.
 */
public final class LlamaInitializer {

    /** Hugging Face's {@code initializer_range}. */
    public static final double INIT_STD = 0.02;

    private LlamaInitializer() {}

    /**
     * @param config  the architecture
     * @param seed    seed of the draw
     * @param manager parent manager; the weights get a child manager of it
     * @return freshly drawn float32 weights under Hugging Face names
     */
    public static ModelWeights randomWeights(LlamaConfig config, long seed, NDManager manager) {
        NDManager weightsManager = manager.newSubManager();
        Random random = new Random(seed);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> entry : LlamaTensorNames.shapes(config).entrySet()) {
            String name = entry.getKey();
            Shape shape = entry.getValue();
            float[] values = name.endsWith("norm.weight") ? ones(shape) : gaussian(shape, random);
            tensors.put(name, weightsManager.create(values, shape));
        }
        return new ModelWeights(weightsManager, tensors);
    }

    private static float[] ones(Shape shape) {
        float[] values = new float[Math.toIntExact(shape.size())];
        java.util.Arrays.fill(values, 1f);
        return values;
    }

    private static float[] gaussian(Shape shape, Random random) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * INIT_STD);
        }
        return values;
    }
}
