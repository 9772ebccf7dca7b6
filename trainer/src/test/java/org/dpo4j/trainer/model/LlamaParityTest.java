package org.dpo4j.trainer.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Llama forward pass against Hugging Face logits from an independent float64 reference:
 * every single-file F32 {@code llama} case in the folder of the system property
 * {@code parity.dir} (the right-padded batch; positions 0..T−1). Other dtypes, shards and
 * architectures need the checkpoint loader of the real-models issue.
 */
class LlamaParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> logitsMatchTransformers() throws IOException {
        String dir = System.getProperty("parity.dir");
        assertTrue(dir != null && Files.isDirectory(Path.of(dir)), "parity.dir is not a folder: " + dir);
        Path root = Path.of(dir);
        JsonNode index = JSON.readTree(root.resolve("index.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : index.get("cases")) {
            Path caseDir = root.resolve(c.get("dir").asText());
            JsonNode config = JSON.readTree(caseDir.resolve("config.json").toFile());
            boolean supported = config.get("model_type").asText().equals("llama")
                    && c.get("weight_dtype").asText().equals("F32")
                    && Files.exists(caseDir.resolve("model.safetensors"));
            if (supported) {
                tests.add(DynamicTest.dynamicTest(c.get("dir").asText(), () -> check(caseDir, config)));
            }
        }
        assertTrue(!tests.isEmpty(), "no single-file F32 llama case in " + root);
        return tests.stream();
    }

    private static void check(Path caseDir, JsonNode config) throws IOException {
        JsonNode fixture = JSON.readTree(caseDir.resolve("fixture.json").toFile());
        LlamaConfig arch = (LlamaConfig) HfConfigReader.read(caseDir, fixture.get("seq_len").asInt());
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelWeights weights = new ModelWeights(manager, F32Safetensors.read(caseDir.resolve("model.safetensors"), manager));
            int b = fixture.get("batch_size").asInt();
            int t = fixture.get("seq_len").asInt();
            int v = fixture.get("vocab_size").asInt();
            NDArray ids = manager.create(longs(fixture.get("input_ids"), b * t), new Shape(b, t));
            NDArray mask = manager.create(floats(fixture.get("attention_mask"), b * t), new Shape(b, t));
            float[] logits = new LlamaModel(arch, weights).forward(ids, mask).toFloatArray();
            double tolerance = fixture.get("tolerance").get("logits_max_abs").asDouble();
            double worst = 0;
            for (int row = 0; row < b; row++) {
                for (int pos = 0; pos < t; pos++) {
                    if (fixture.get("logits_valid").get(row).get(pos).asInt() == 1) {
                        JsonNode expected = fixture.get("logits").get(row).get(pos);
                        for (int k = 0; k < v; k++) {
                            worst = Math.max(worst, Math.abs(logits[(row * t + pos) * v + k] - expected.get(k).asDouble()));
                        }
                    }
                }
            }
            assertTrue(worst <= tolerance, "max |logit error| " + worst + " > " + tolerance);
        }
    }

    private static long[] longs(JsonNode rows, int size) {
        long[] out = new long[size];
        int i = 0;
        for (JsonNode row : rows) {
            for (JsonNode x : row) {
                out[i++] = x.asLong();
            }
        }
        return out;
    }

    private static float[] floats(JsonNode rows, int size) {
        float[] out = new float[size];
        int i = 0;
        for (JsonNode row : rows) {
            for (JsonNode x : row) {
                out[i++] = (float) x.asDouble();
            }
        }
        return out;
    }
}
