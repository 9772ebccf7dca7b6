package org.dpo4j.trainer.model.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.dpo4j.trainer.bench.ForwardWork;
import org.dpo4j.trainer.bench.ModelFlops;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelFamily;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelPreset;
import org.dpo4j.trainer.model.ModelSize;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.SharedPromptLayout;
import org.dpo4j.trainer.run.MemoryEstimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every registered {@link ModelFamily} must do, checked on its own {@link
 * ModelFamily#example} (the compiler checks that it states every fact; this checks the values).
 * A new family passes this without any edit here.
 */
class ModelFamilyContractTest {

    private static final int VOCAB = 40;

    /**
     * One pair, right-padded to T = 6: a 3-token prompt, then 2 chosen and 1 rejected token
     * (ids below {@link #VOCAB}; rows r and r + B are a pair).
     */
    private static final long[] IDS = {3, 7, 11, 20, 21, 0, 3, 7, 11, 30, 0, 0};
    private static final int[] ROW_LENGTHS = {5, 4};
    private static final int[] PROMPT_LENGTHS = {3};
    private static final int T = 6;

    /** Smaller than every family's example in each size (heads of 8). */
    private static final ModelSize SHRUNK = new ModelSize(16, 1, 2, 1, 24);

    static Stream<ModelFamily> families() {
        return ModelFamilies.all().stream();
    }

    @Test
    void modelTypesBelongToOneFamilyEach() {
        Set<String> seen = new HashSet<>();
        for (ModelFamily family : ModelFamilies.all()) {
            assertFalse(family.modelTypes().isEmpty(), family + " reads no model_type");
            for (String type : family.modelTypes()) {
                assertTrue(seen.add(type), type + " is read by two families");
            }
        }
        assertEquals(seen.size(), ModelFamilies.modelTypes().size());
    }

    @ParameterizedTest
    @MethodSource("families")
    void isFoundByEachOfItsModelTypes(ModelFamily family) {
        for (String type : family.modelTypes()) {
            assertSame(family, ModelFamilies.forModelType(type), type);
        }
        for (String arch : family.presetArches()) {
            assertTrue(family.modelTypes().contains(arch), arch + " has presets but is not read");
            assertSame(family, ModelFamilies.forPresetArch(arch), arch);
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void presetsAreArchitecturesOfTheFamily(ModelFamily family) {
        for (String arch : family.presetArches()) {
            for (ModelPreset preset : ModelPreset.values()) {
                ModelArchitecture a = ModelPresets.of(arch, preset.presetName(), VOCAB);
                assertSame(family, a.family(), arch + " " + preset);
                assertEquals(arch, a.modelType());
                assertEquals(VOCAB, a.vocabSize());
                assertEquals(preset.size().hiddenSize(), a.hiddenSize(), arch + " " + preset);
                assertEquals(preset.size().numLayers(), a.numLayers(), arch + " " + preset);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void exampleIsOfTheFamilyAndTheTensorsNameItsShapes(ModelFamily family) {
        ModelArchitecture a = family.example(VOCAB);
        assertSame(family, a.family());
        assertTrue(family.modelTypes().contains(a.modelType()), a.modelType());
        assertEquals(VOCAB, a.vocabSize());
        Map<String, Shape> shapes = a.tensorShapes();
        assertTrue(shapes.keySet().containsAll(a.lookupTables()), "lookup tables are parameters");
        assertTrue(shapes.containsKey(a.headWeight()), "the head is a parameter");
        assertEquals(new Shape(VOCAB, a.hiddenSize()), shapes.get(a.headWeight()));
        assertTrue(shapes.keySet().stream().anyMatch(family::isNormScale), "no norm scale among " + shapes.keySet());
        for (String name : shapes.keySet()) {
            assertEquals(name, family.canonicalTensorName(name), "its own names are canonical");
            assertFalse(family.isBuffer(name), name + " is a parameter, not a buffer");
        }
        assertNotNull(family.specialTokens());
    }

    /**
     * Weights holding exactly the declared tensors suffice for a forward pass, and the forward
     * pass reads every one of them: each gets a non-zero gradient.
     */
    @ParameterizedTest
    @MethodSource("families")
    void theForwardPassReadsExactlyTheDeclaredTensors(ModelFamily family) {
        ModelArchitecture a = family.example(VOCAB);
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(a, 1, manager);
            assertEquals(a.tensorShapes().keySet(), weights.all().keySet());
            weights.requireGradients();
            CausalLm model = CausalLm.of(a, weights);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(ids(manager), mask(manager));
                assertEquals(new Shape(2, T, VOCAB), logits.getShape());
                collector.backward(logits.mul(logits).sum());
            }
            for (Map.Entry<String, NDArray> e : weights.all().entrySet()) {
                assertTrue(e.getValue().getGradient().abs().max().getFloat() > 0, e.getKey() + " is never read");
            }
        }
    }

    /** The shared-prompt forward gives the row-wise hidden states at every real position. */
    @ParameterizedTest
    @MethodSource("families")
    void theSharedPromptForwardMatchesTheRows(ModelFamily family) {
        ModelArchitecture a = family.example(VOCAB);
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(a, ModelInitializer.randomWeights(a, 2, manager));
            float[] rows = model.hiddenStates(ids(manager), mask(manager)).toFloatArray();
            float[] shared = model.hiddenStates(
                    SharedPromptLayout.of(manager, IDS, ROW_LENGTHS, PROMPT_LENGTHS, T)).toFloatArray();
            assertEquals(rows.length, shared.length);
            int d = a.hiddenSize();
            for (int r = 0; r < ROW_LENGTHS.length; r++) {
                for (int t = 0; t < ROW_LENGTHS[r]; t++) {
                    for (int i = 0; i < d; i++) {
                        int at = (r * T + t) * d + i;
                        // the same float32 ops on other shapes: summation order only (a few ulps)
                        assertEquals(rows[at], shared[at], 1e-5 * Math.max(1, Math.abs(rows[at])),
                                "row " + r + " position " + t);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void flopsAndActivationsArePositive(ModelFamily family) {
        ModelArchitecture a = family.example(VOCAB);
        ModelFlops flops = ModelFlops.of(a);
        assertTrue(flops.blockParams() > 0);
        assertEquals((long) VOCAB * a.hiddenSize(), flops.headParams());
        assertEquals((long) a.numHeads() * a.headDim(), flops.attentionWidth());
        assertTrue(flops.forward(new ForwardWork(T, T, T * T)) > 0);
        assertTrue(a.savedFloatsPerTokenPerLayer() > a.hiddenSize(), "a block saves more than its input");
        MemoryEstimate memory = MemoryEstimate.of(a, a, MemoryEstimate.ReferenceMode.LIVE, false, 1, T, 0);
        assertTrue(memory.policyActivations() > 0);
    }

    @ParameterizedTest
    @MethodSource("families")
    void resizingKeepsTheFamilyAndShrinksTheModel(ModelFamily family) {
        ModelArchitecture a = family.example(VOCAB);
        ModelArchitecture small = a.resized(SHRUNK);
        assertSame(family, small.family());
        assertEquals(a.modelType(), small.modelType());
        assertEquals(a.vocabSize(), small.vocabSize());
        assertEquals(a.tieWordEmbeddings(), small.tieWordEmbeddings());
        assertEquals(a.maxPositions(), small.maxPositions());
        assertEquals(SHRUNK.hiddenSize(), small.hiddenSize());
        assertEquals(SHRUNK.numLayers(), small.numLayers());
        assertTrue(small.parameterCount() < a.parameterCount());
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = CausalLm.of(small, ModelInitializer.randomWeights(small, 3, manager));
            assertEquals(new Shape(2, T, VOCAB), model.forward(ids(manager), mask(manager)).getShape());
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void configJsonRoundTripsThroughTheReader(ModelFamily family, @TempDir Path dir) throws IOException {
        ModelArchitecture a = family.example(VOCAB);
        Files.writeString(dir.resolve("config.json"), new ObjectMapper().writeValueAsString(a.toHfConfig()));
        assertEquals(a, HfConfigReader.read(dir, T));
    }

    private static NDArray ids(NDManager manager) {
        return manager.create(IDS, new Shape(2, T));
    }

    private static NDArray mask(NDManager manager) {
        long[] mask = new long[IDS.length];
        for (int r = 0; r < ROW_LENGTHS.length; r++) {
            for (int t = 0; t < ROW_LENGTHS[r]; t++) {
                mask[r * T + t] = 1;
            }
        }
        return manager.create(mask, new Shape(2, T));
    }
}
