package org.dpo4j.trainer.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.config.LoraConfig;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelWeights;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * PEFT LoRA fixtures ({@code hf-causal-lm-lora-fixture/1}) of every folder the system property
 * {@code lora.dir} lists (comma-separated), each case from its {@code index.json}: a base model
 * folder, a PEFT adapter folder, and the logits transformers + peft compute. Per case: the
 * adapted model reproduces {@code logits} (right-padded, fixture positions) and the
 * {@code left_padded} block; with the adapters switched off it reproduces {@code base_logits};
 * merged weights give the adapted logits; the target matching of the adapter's
 * {@code target_modules} selects exactly {@code adapter.adapted_modules}, as do its tensors.
 * Every expectation and tolerance is read from the files.
 */
class LoraFixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> adaptersMatchPeft() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : cases()) {
            String name = dir.getFileName().toString();
            tests.add(DynamicTest.dynamicTest(name + " adapted, right-padded", () -> check(dir, Mode.ADAPTED, false)));
            tests.add(DynamicTest.dynamicTest(name + " adapted, left-padded", () -> check(dir, Mode.ADAPTED, true)));
            tests.add(DynamicTest.dynamicTest(name + " adapters off", () -> check(dir, Mode.OFF, false)));
            tests.add(DynamicTest.dynamicTest(name + " merged", () -> check(dir, Mode.MERGED, false)));
            tests.add(DynamicTest.dynamicTest(name + " target matching", () -> targets(dir)));
        }
        assertTrue(!tests.isEmpty(), "lora.dir lists no cases");
        return tests.stream();
    }

    private enum Mode { ADAPTED, OFF, MERGED }

    static List<Path> cases() throws IOException {
        String property = System.getProperty("lora.dir");
        assertTrue(property != null && !property.isBlank(), "lora.dir is not set");
        List<Path> dirs = new ArrayList<>();
        for (String root : property.split(",")) {
            if (root.isBlank()) {
                continue;
            }
            Path r = Path.of(root.trim());
            assertTrue(Files.isRegularFile(r.resolve("index.json")), "lora.dir entry has no index.json: " + r);
            for (JsonNode c : JSON.readTree(r.resolve("index.json").toFile()).get("cases")) {
                dirs.add(r.resolve(c.get("dir").asText()));
            }
        }
        return dirs;
    }

    private static void check(Path dir, Mode mode, boolean leftPadded) throws IOException {
        JsonNode fixture = JSON.readTree(dir.resolve("fixture.json").toFile());
        JsonNode batch = leftPadded ? fixture.get("left_padded") : fixture;
        int b = fixture.get("batch_size").asInt();
        int t = fixture.get("seq_len").asInt();
        int v = fixture.get("vocab_size").asInt();
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel loaded = HfModelLoader.load(dir.resolve(fixture.get("base_dir").asText()), t, manager);
            ModelWeights adapted = LoraWeights.load(loaded.architecture(), loaded.weights(),
                    dir.resolve(fixture.get("adapter_dir").asText()), null, 0);
            ModelWeights used = switch (mode) {
                case ADAPTED -> adapted;
                case OFF -> adapted.withoutAdapters();
                case MERGED -> LoraMerge.merged(adapted);
            };
            CausalLm model = CausalLm.of(loaded.architecture(), used);
            long[] ids = longs(batch.get("input_ids"));
            NDArray logits = model.forward(manager.create(ids, new Shape(b, t)),
                    manager.create(longs(batch.get("attention_mask")), new Shape(b, t)),
                    manager.create(longs(batch.get("position_ids")), new Shape(b, t)));
            float[] got = logits.toFloatArray();
            float[] logProbs = logits.logSoftmax(-1).toFloatArray();
            JsonNode expectedLogits = batch.get(mode == Mode.OFF ? "base_logits" : "logits");
            JsonNode expectedLogProbs = batch.get(mode == Mode.OFF ? "base_next_token_logprobs" : "next_token_logprobs");
            double logitError = 0;
            double logProbError = 0;
            for (int row = 0; row < b; row++) {
                for (int pos = 0; pos < t; pos++) {
                    int at = (row * t + pos) * v;
                    if (batch.get("logits_valid").get(row).get(pos).asInt() == 1) {
                        for (int k = 0; k < v; k++) {
                            logitError = Math.max(logitError, Math.abs(got[at + k] - expectedLogits.get(row).get(pos).get(k).asDouble()));
                        }
                    }
                    if (pos < t - 1 && batch.get("next_token_valid").get(row).get(pos).asInt() == 1) {
                        int next = (int) ids[row * t + pos + 1];
                        logProbError = Math.max(logProbError,
                                Math.abs(logProbs[at + next] - expectedLogProbs.get(row).get(pos).asDouble()));
                    }
                }
            }
            System.out.printf("lora %s %s%s: max |logit error| %.2e, max |log-prob error| %.2e%n", dir.getFileName(), mode,
                    leftPadded ? " left-padded" : "", logitError, logProbError);
            double logitTolerance = fixture.get("tolerance").get("logits_max_abs").asDouble();
            double logProbTolerance = fixture.get("tolerance").get("logprobs_max_abs").asDouble();
            assertTrue(logitError <= logitTolerance, "max |logit error| " + logitError + " > " + logitTolerance);
            assertTrue(logProbError <= logProbTolerance, "max |log-prob error| " + logProbError + " > " + logProbTolerance);
        }
    }

    /** adapter_config.json's target_modules, matched as PEFT does, select the fixture's adapted modules; so do the tensors. */
    private static void targets(Path dir) throws IOException {
        JsonNode fixture = JSON.readTree(dir.resolve("fixture.json").toFile());
        List<String> expected = new ArrayList<>();
        fixture.get("adapter").get("adapted_modules").forEach(m -> expected.add(m.asText()));
        JsonNode config = JSON.readTree(dir.resolve(fixture.get("adapter_dir").asText()).resolve(PeftAdapterFolder.CONFIG).toFile());
        Object targetModules = JSON.convertValue(config.get("target_modules"), Object.class);
        LoraConfig lora = new LoraConfig(config.get("r").asInt(), config.get("lora_alpha").asDouble(), null, targetModules,
                config.path("use_rslora").asBoolean(), null);
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel loaded = HfModelLoader.load(dir.resolve(fixture.get("base_dir").asText()), fixture.get("seq_len").asInt(), manager);
            var family = loaded.architecture().family();
            List<String> matched = LoraTargets.of(lora, family).select(loaded.architecture()).stream()
                    .map(family::modulePath).sorted().toList();
            assertEquals(expected, matched, "target_modules " + targetModules);
            ModelWeights adapted = LoraWeights.load(loaded.architecture(), loaded.weights(),
                    dir.resolve(fixture.get("adapter_dir").asText()), null, 0);
            LoraSpec spec = LoraAdapters.of(adapted).spec();
            assertEquals(expected, spec.modules().stream().map(family::modulePath).sorted().toList(), "modules of the tensors");
            assertEquals(fixture.get("adapter").get("scaling").asDouble(), spec.scaling(), 1e-12, "scaling");
        }
    }

    private static long[] longs(JsonNode rows) {
        return Arrays.stream(JSON.convertValue(rows, long[][].class)).flatMapToLong(Arrays::stream).toArray();
    }
}
