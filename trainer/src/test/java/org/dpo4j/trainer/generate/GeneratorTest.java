package org.dpo4j.trainer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.model.ModelWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generation with the key/value cache against full forward passes over the growing sequence,
 * on random tiny models of each family.
 */
class GeneratorTest {

    private static final int VOCAB = 48;
    private static final int NONE = -1; // a stop id no model produces
    private static final int[] PROMPT = {3, 17, 5, 40, 11};

    private static CausalLm model(String arch, NDManager manager) {
        ModelArchitecture architecture = ModelPresets.of(arch, "tiny", VOCAB);
        return CausalLm.of(architecture, ModelInitializer.randomWeights(architecture, 9, manager));
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "gpt2"})
    void greedyIsTheArgmaxOfAFullForwardContinuationAndTopKOneIsGreedy(String arch) {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = model(arch, manager);
            int steps = 12;
            int[] expected = Arrays.copyOf(PROMPT, PROMPT.length + steps);
            double[] expectedLogProbs = new double[steps];
            for (int t = 0; t < steps; t++) {
                int length = PROMPT.length + t;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    float[] last = lastLogits(model, Arrays.copyOf(expected, length), manager);
                    int next = TokenSampler.argmax(last, 0, VOCAB);
                    expected[length] = next;
                    expectedLogProbs[t] = TokenSampler.logProbAndEntropy(last, 0, VOCAB, next)[0];
                }
            }
            int[] continuation = Arrays.copyOfRange(expected, PROMPT.length, expected.length);
            Generator generator = new Generator(model, Set.of(NONE), manager);
            int arrays = manager.getManagedArrays().size();
            List<Sample> greedy = generator.sample(PROMPT, 2, new SamplingOptions(0, 1, 0, steps, 1), new SplittableRandom(1));
            for (Sample s : greedy) {
                assertArrayEquals(continuation, s.tokens(), arch);
                assertFalse(s.stopped());
                assertArrayEquals(expectedLogProbs, s.logProbs(), 1e-4, arch + ": the model's own log-probs");
            }
            List<Sample> topOne = generator.sample(PROMPT, 1, new SamplingOptions(1.0, 1, 1, steps, 4), new SplittableRandom(4));
            assertArrayEquals(continuation, topOne.get(0).tokens(), arch + ": top-k 1");
            assertEquals(arrays, manager.getManagedArrays().size(), "the cache and every step's arrays are freed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2"})
    void theSameSeedGivesTheSameSamplesAndAnotherSeedOthers(String arch) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Generator generator = new Generator(model(arch, manager), Set.of(NONE), manager);
            SamplingOptions options = new SamplingOptions(1.0, 0.95, 40, 10, 0);
            List<Sample> a = generator.sample(PROMPT, 3, options, new SplittableRandom(42));
            List<Sample> b = generator.sample(PROMPT, 3, options, new SplittableRandom(42));
            List<Sample> c = generator.sample(PROMPT, 3, options, new SplittableRandom(43));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(a.get(i).tokens(), b.get(i).tokens());
                assertArrayEquals(a.get(i).logProbs(), b.get(i).logProbs(), 0);
            }
            // 30 draws from a near-uniform distribution over 40 tokens cannot all agree by chance
            assertFalse(Arrays.equals(a.get(0).tokens(), c.get(0).tokens()) && Arrays.equals(a.get(1).tokens(), c.get(1).tokens())
                    && Arrays.equals(a.get(2).tokens(), c.get(2).tokens()));
            // the rows draw from their own generators: not copies of one another
            assertNotEquals(Arrays.toString(a.get(0).tokens()), Arrays.toString(a.get(1).tokens()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2"})
    void aSampleEndsAtItsFirstStopToken(String arch) {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = model(arch, manager);
            SamplingOptions greedy = new SamplingOptions(0, 1, 0, 12, 1);
            int[] free = new Generator(model, Set.of(NONE), manager).sample(PROMPT, 1, greedy, new SplittableRandom(1))
                    .get(0).tokens();
            int stop = free[4];
            int first = 0;
            while (free[first] != stop) {
                first++;
            }
            Sample s = new Generator(model, Set.of(stop), manager).sample(PROMPT, 1, greedy, new SplittableRandom(1)).get(0);
            assertArrayEquals(Arrays.copyOf(free, first + 1), s.tokens());
            assertTrue(s.stopped());
            assertArrayEquals(Arrays.copyOf(free, first), s.textTokens());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2"})
    void aUniformHeadHasEntropyLnV(String arch) {
        // A zero LM head gives logits 0 everywhere: π is uniform over V, so every position's
        // entropy is ln V, every token's log-prob is −ln V, and greedy picks id 0 (the lowest).
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelArchitecture architecture = ModelPresets.of(arch, "tiny", VOCAB);
            ModelWeights weights = ModelInitializer.randomWeights(architecture, 2, manager);
            String head = architecture.tieWordEmbeddings() ? (arch.equals("gpt2") ? "wte.weight" : "model.embed_tokens.weight")
                    : "lm_head.weight";
            Map<String, NDArray> tensors = new LinkedHashMap<>(weights.all());
            tensors.put(head, manager.zeros(weights.get(head).getShape(), DataType.FLOAT32));
            CausalLm model = CausalLm.of(architecture, new ModelWeights(manager, tensors));
            Sample s = new Generator(model, Set.of(NONE), manager)
                    .sample(PROMPT, 1, new SamplingOptions(0, 1, 0, 5, 1), new SplittableRandom(1)).get(0);
            assertArrayEquals(new int[5], s.tokens());
            for (int t = 0; t < 5; t++) {
                assertEquals(Math.log(VOCAB), s.entropies()[t], 1e-9);
                assertEquals(-Math.log(VOCAB), s.logProbs()[t], 1e-9);
            }
        }
    }

    /** The logits after the last token of {@code ids}, from the full forward pass. */
    private static float[] lastLogits(CausalLm model, int[] ids, NDManager manager) {
        long[] longs = Arrays.stream(ids).asLongStream().toArray();
        Shape shape = new Shape(1, ids.length);
        NDArray logits = model.forward(manager.create(longs, shape), manager.ones(shape, DataType.INT64));
        return logits.get(":, " + (ids.length - 1) + ", :").toFloatArray();
    }
}
