package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.checkpoint.SafetensorsFile;
import org.dpo4j.trainer.checkpoint.StepCheckpoints;
import org.dpo4j.trainer.config.LoraConfig;
import org.dpo4j.trainer.config.OutputConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.SaveConfig;
import org.dpo4j.trainer.lora.LoraTargets;
import org.dpo4j.trainer.lora.LoraWeights;
import org.dpo4j.trainer.lora.PeftAdapterFolder;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsLog;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.PolicySaver;
import org.dpo4j.trainer.run.ResumePoint;
import org.dpo4j.trainer.run.RunModels;
import org.dpo4j.trainer.run.RunOptions;
import org.dpo4j.trainer.run.StopSignal;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA training end to end on the tiny preset: the adapted policy starts as the base (B = 0), so
 * with the reference being the same base weights with the adapters off the first loss is exactly
 * DPO's ln 2; only the adapters train; final/ is a PEFT adapter folder whose adapters on the
 * initial base reproduce the merged model's logits; a stopped run resumes byte for byte, dropout
 * included.
 */
class LoraTrainingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private static RunConfig lora(int steps, LoraConfig lora, boolean merge, SaveConfig save) {
        RunConfig base = TestConfigs.tiny(steps, 1e-2, 1);
        return new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(), base.schedule(),
                base.train(), base.eval(), save, new OutputConfig(null, "f32", "2GB", merge), lora);
    }

    private static ModelArchitecture tinyLlama() {
        try (ByteTokenizer bytes = new ByteTokenizer()) {
            return ModelPresets.of("llama", "tiny", bytes.vocabSize());
        }
    }

    private static List<JsonNode> steps(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(MetricsLog.FILE_NAME))) {
            JsonNode n = JSON.readTree(line);
            if (n.has(MetricNames.LOSS)) {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    void startsAtLn2TrainsOnlyAdaptersAndSavesAPeftFolderThatMergesExactly() throws IOException {
        LoraConfig config = new LoraConfig(4, 8.0, null, "all-linear", null, null);
        Path run = Files.createDirectories(work.resolve("run"));
        DpoTrainer.train(lora(4, config, true, new SaveConfig(2, 1)), run, TrainingListener.NONE);

        // B = 0: policy and reference log-probs are equal, -log σ(0) = ln 2
        assertEquals(Math.log(2), steps(run).get(0).get(MetricNames.LOSS).asDouble(), 1e-6);

        ModelArchitecture architecture = tinyLlama();
        List<String> modules = LoraTargets.linearModules(architecture);
        Path adapter = run.resolve(PolicySaver.FINAL);
        JsonNode adapterConfig = JSON.readTree(adapter.resolve(PeftAdapterFolder.CONFIG).toFile());
        assertEquals("LORA", adapterConfig.get("peft_type").asText());
        assertEquals(4, adapterConfig.get("r").asInt());
        assertEquals(8, adapterConfig.get("lora_alpha").asInt());
        assertTrue(Files.isRegularFile(adapter.resolve("tokenizer.json")), "tokenizer files beside the adapter");
        TreeSet<String> expectedKeys = new TreeSet<>();
        for (String m : modules) {
            expectedKeys.add("base_model.model." + m + ".lora_A.weight");
            expectedKeys.add("base_model.model." + m + ".lora_B.weight");
        }
        try (SafetensorsFile file = SafetensorsFile.open(adapter.resolve(PeftAdapterFolder.WEIGHTS))) {
            assertEquals(expectedKeys, new TreeSet<>(file.entries().keySet()));
            float[] b = file.readFloats("base_model.model." + modules.get(0) + ".lora_B.weight");
            assertTrue(maxAbs(b) > 0, "B trained away from its zero start");
        }
        // the checkpoint's optimizer state covers the adapters only
        try (SafetensorsFile moments = SafetensorsFile.open(StepCheckpoints.folder(run, 4).resolve("optimizer.safetensors"))) {
            assertEquals(4 * modules.size(), moments.entries().size());
            moments.entries().keySet().forEach(k -> assertTrue(k.contains(".lora_"), k));
        }

        try (NDManager manager = NDManager.newBaseManager()) {
            // the initial base of the run (the preset drawn from train.seed), adapters from final/
            ModelWeights base = ModelInitializer.randomWeights(architecture, 42L, manager);
            float[] baseBefore = base.get(modules.get(0) + ".weight").toFloatArray();
            ModelWeights adapted = LoraWeights.load(architecture, base, adapter, null, 42L);
            LoadedModel merged = HfModelLoader.load(run.resolve(PolicySaver.FINAL_MERGED), 32, manager);
            NDArray ids = manager.arange(0, 24, 1, ai.djl.ndarray.types.DataType.INT64).reshape(2, 12).add(65);
            NDArray mask = manager.ones(new Shape(2, 12), ai.djl.ndarray.types.DataType.INT64);
            float[] unmerged = CausalLm.of(architecture, adapted).forward(ids, mask).toFloatArray();
            float[] fromMerged = CausalLm.of(merged.architecture(), merged.weights()).forward(ids, mask).toFloatArray();
            float[] plain = CausalLm.of(architecture, adapted.withoutAdapters()).forward(ids, mask).toFloatArray();
            assertTrue(maxAbsDiff(unmerged, fromMerged) < 1e-5, "merged = unmerged: " + maxAbsDiff(unmerged, fromMerged));
            assertTrue(maxAbsDiff(unmerged, plain) > 1e-4, "the adapters change the logits");
            assertArrayEquals(baseBefore, adapted.get(modules.get(0) + ".weight").toFloatArray());
        }
    }

    @Test
    void onlyAdapterTensorsTrainAndTheReferenceSharesTheBase() {
        ModelArchitecture architecture = tinyLlama();
        try (NDManager manager = NDManager.newBaseManager()) {
            RunModels models = RunModels.initialised(architecture, 7L, new LoraConfig(2, 4.0), manager);
            ModelWeights policy = models.policy().weights();
            List<String> trainable = policy.trainable().names();
            assertEquals(2 * 2 * architecture.numLayers(), trainable.size(), "q_proj and v_proj: A and B per layer");
            trainable.forEach(n -> assertTrue(n.contains(".lora_"), n));
            policy.frozen().tensors().forEach(t -> assertFalse(t.hasGradient(), "frozen base tensors take no gradient"));
            ModelWeights reference = models.reference().weights();
            for (Map.Entry<String, NDArray> e : policy.frozen().byName().entrySet()) {
                assertSame(e.getValue(), reference.get(e.getKey()), "no second copy of " + e.getKey());
            }
        }
    }

    @Test
    void aStoppedLoraRunWithDropoutResumesByteForByte() throws IOException {
        LoraConfig config = new LoraConfig(4, 16.0, 0.1, List.of("q_proj", "k_proj", "v_proj", "o_proj"), true, null);
        RunConfig run = lora(6, config, false, new SaveConfig(3, 2));
        Path whole = Files.createDirectories(work.resolve("whole"));
        DpoTrainer.train(run, whole, TrainingListener.NONE);

        Path stopped = Files.createDirectories(work.resolve("stopped"));
        StopSignal stop = new StopSignal();
        assertThrows(RuntimeException.class, () -> DpoTrainer.train(run, stopped, new TrainingListener() {
            @Override
            public void onStep(int step) {
                if (step == 4) {
                    stop.request();
                }
            }
        }, new RunOptions(null, stop)));
        ResumePoint latest = ResumePoint.latest(stopped);
        assertEquals(4, latest.step());
        DpoTrainer.train(run, stopped, TrainingListener.NONE, new RunOptions(latest, new StopSignal()));

        assertEquals(Files.readString(whole.resolve(MetricsLog.FILE_NAME)), Files.readString(stopped.resolve(MetricsLog.FILE_NAME)));
        for (String f : List.of(PeftAdapterFolder.WEIGHTS, PeftAdapterFolder.CONFIG)) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(PolicySaver.FINAL).resolve(f)),
                    Files.readAllBytes(stopped.resolve(PolicySaver.FINAL).resolve(f)), f);
        }
        // dropout draws: the same run without dropout ends elsewhere
        Path noDropout = Files.createDirectories(work.resolve("no-dropout"));
        DpoTrainer.train(lora(6, new LoraConfig(4, 16.0, 0.0, config.targetModules(), true, null), false, new SaveConfig(3, 2)),
                noDropout, TrainingListener.NONE);
        assertFalse(Files.readString(whole.resolve(MetricsLog.FILE_NAME)).equals(Files.readString(noDropout.resolve(MetricsLog.FILE_NAME))));
    }

    /**
     * model.adapter continues a trained adapter on the same base: the policy starts away from the
     * reference (the base, adapters off), so the first margins are not 0; the reference's
     * log-probs precompute as with full fine-tuning (its "weights" are the policy's own, never freed).
     */
    @Test
    void aSavedAdapterTrainsFurtherAgainstAPrecomputedBase() throws IOException {
        Path first = Files.createDirectories(work.resolve("first"));
        DpoTrainer.train(lora(4, new LoraConfig(4, 8.0), false, SaveConfig.DEFAULT), first, TrainingListener.NONE);
        RunConfig base = lora(2, null, false, SaveConfig.DEFAULT);
        RunConfig further = new RunConfig(
                new org.dpo4j.trainer.config.ModelConfig(null, "tiny", "llama", first.resolve(PolicySaver.FINAL).toString()),
                new ReferenceConfig(null, true, 0, 0.6), base.data(), base.loss(), base.optim(), base.schedule(), base.train(),
                base.eval(), base.save(), base.output(), null);
        Path second = Files.createDirectories(work.resolve("second"));
        DpoTrainer.train(further, second, TrainingListener.NONE);
        JsonNode step1 = steps(second).get(0);
        assertTrue(Math.abs(step1.get("rewards/margins").asDouble()) > 0, "the loaded adapter is not the base: " + step1);
        assertTrue(Files.isRegularFile(second.resolve(PolicySaver.FINAL).resolve(PeftAdapterFolder.WEIGHTS)));
    }

    /** validate's estimate with LoRA: gradients and two moments of the trainable scalars only, no reference copy. */
    @Test
    void theMemoryEstimateCountsAdaptersOnly() {
        ModelArchitecture architecture = tinyLlama();
        var full = org.dpo4j.trainer.run.MemoryEstimate.of(architecture, architecture,
                org.dpo4j.trainer.run.MemoryEstimate.ReferenceMode.LIVE, false, 8, 128, 0);
        long trainable = 1234;
        var lora = full.withAdapters(trainable, true);
        assertEquals(4 * trainable, lora.gradients());
        assertEquals(8 * trainable, lora.optimizerState());
        assertEquals(0, lora.referenceWeights());
        assertEquals(full.policyWeights() + 4 * trainable, lora.policyWeights());
        assertEquals(full.referenceWeights(), full.withAdapters(trainable, false).referenceWeights(), "reference.path keeps its copy");
        // q_proj and v_proj of every layer: r·(in + out) each, from the architecture's shapes
        var spec = LoraWeights.plan(architecture, new LoraConfig(4, 8.0), null);
        long expected = 0;
        for (String m : spec.modules()) {
            Shape w = architecture.tensorShapes().get(m + ".weight");
            expected += 4 * (w.get(0) + w.get(1));
        }
        assertEquals(2 * architecture.numLayers(), spec.modules().size());
        assertEquals(expected, LoraWeights.trainableParameters(architecture, spec));
    }

    @Test
    void trDpoSyncIsRefusedWithLora() {
        RunConfig base = TestConfigs.tiny(2, 1e-3, 1);
        Exception e = assertThrows(IllegalArgumentException.class, () -> new RunConfig(base.model(),
                new ReferenceConfig(null, false, 2, 0.5), base.data(), base.loss(), base.optim(), base.schedule(), base.train(),
                base.eval(), base.save(), base.output(), new LoraConfig(4, 8.0)));
        assertTrue(e.getMessage().startsWith("reference.sync_every"), e.getMessage());
    }

    private static double maxAbs(float[] values) {
        double m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static Stream<String> unused() {
        return Stream.empty();
    }
}
