package org.dpo4j.trainer.model;

import static org.dpo4j.trainer.model.TestArrays.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.dpo4j.trainer.model.llama.LlamaConfig;
import org.dpo4j.trainer.model.gpt2.Gpt2Config;

class CausalLmTest {

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of("llama, every bias, untied",
                        new LlamaConfig("llama", 40, 32, 2, 4, 2, 8, 48, 1e-5, 10_000, 64, false, true, true, true)),
                Arguments.of("qwen2, tied, head size 12 (not d / H)",
                        new LlamaConfig("qwen2", 40, 32, 2, 4, 2, 12, 48, 1e-6, 1_000_000, 64, true, true, false, false)),
                Arguments.of("gpt2, gelu_new, tied", new Gpt2Config(40, 32, 2, 4, 64, 16, 1e-5, "gelu_new", true, true)),
                Arguments.of("gpt2, gelu, untied, unscaled", new Gpt2Config(40, 32, 2, 4, 64, 16, 1e-5, "gelu", false, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void everyParameterGetsAGradient(String name, ModelArchitecture architecture) {
        // Every tensor influences the logits, so d(Σ logits)/d(tensor) is non-zero somewhere:
        // a zero gradient means a parameter is skipped or detached (e.g. a Number op on the path).
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = ModelInitializer.randomWeights(architecture, 11, manager);
            weights.requireGradients();
            CausalLm model = CausalLm.of(architecture, weights);
            NDArray ids = longs(manager, new long[] {1, 5, 9, 13, 17, 21}, new long[] {2, 6, 10, 14, 0, 0});
            NDArray mask = longs(manager, new long[] {1, 1, 1, 1, 1, 1}, new long[] {1, 1, 1, 1, 0, 0});
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(ids, mask);
                assertEquals(new Shape(2, 6, architecture.vocabSize()), logits.getShape());
                collector.backward(logits.sum());
            }
            for (Map.Entry<String, NDArray> e : weights.all().entrySet()) {
                float largest = e.getValue().getGradient().abs().max().getFloat();
                assertTrue(largest > 0 && Float.isFinite(largest), name + ": " + e.getKey() + " gradient " + largest);
            }
        }
    }
}
