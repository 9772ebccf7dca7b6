package org.dpo4j.trainer.eval;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.dpo4j.losses.LossRequirements;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.common.DjlEnvironment;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.DataReport;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.hub.ModelFolders;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.lora.LoraWeights;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.run.AssembledRun;
import org.dpo4j.trainer.run.ModelSource;
import org.dpo4j.trainer.run.ReferencePlan;
import org.dpo4j.trainer.run.RunAssembly;
import org.dpo4j.trainer.run.RunModels;
import org.dpo4j.trainer.scoring.Evaluator;
import org.dpo4j.trainer.scoring.PairResultsWriter;
import org.dpo4j.trainer.scoring.PreferenceScorer;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.dpo4j.trainer.tokenizer.HfTokenizer;

/**
 * {@code dpo4j eval}: the loss metrics of a model folder against a reference on preference
 * pairs, exactly as training's held-out evaluation computes them ({@link Evaluator},
 * {@link PreferenceScorer}): the same {@code eval/...} means and the same per-pair lines.
 *
 * <p>Inputs come as a {@link RunConfig}: {@code model.path} is the model, {@code data.train}
 * the pairs (all of them are evaluated; nothing is split off), {@code data.*} says how to read
 * and tokenize them, {@code loss} which loss and {@code train.batch_size} the batch size.
 *
 * <p>The reference, in this order: {@code reference.path}; else, when the model is a run's
 * {@code final/} folder, that run's reference as its {@code resolved-config.yaml} says
 * ({@code reference.path}, else {@code model.path}, else its preset initialised from
 * {@code train.seed}: the run's initial model); else none, which only reference-free losses
 * accept (a model compared with itself would give ln 2 and zero rewards, saying nothing).
 *
 * <p>Writes {@value #PAIRS_FILE} ({@link PairResultsWriter}'s format) and {@value #SUMMARY_FILE}
 * into the output directory.
 */
public final class ModelEvaluation {

    public static final String PAIRS_FILE = "pairs.jsonl";
    public static final String SUMMARY_FILE = "summary.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelEvaluation() {}

    /**
     * @param config      the evaluation's config (see the class comment)
     * @param trainedWith the resolved config of the run whose {@code final/} the model is, or null
     * @param origin      where {@code trainedWith} was read, for messages
     * @param outputDir   an existing directory for the files
     */
    public record Request(RunConfig config, RunConfig trainedWith, String origin, Path outputDir) {}

    /**
     * @param metrics   the {@code eval/...} means, as training logs them
     * @param pairs     pairs evaluated
     * @param reference what the reference was, in words
     * @param pairsFile the per-pair lines
     * @param data      how the data were read
     */
    public record Result(MetricsRecord metrics, int pairs, String reference, Path pairsFile, DataReport data) {}

    /**
     * @param warnings receives one line per thing the user should know
     * @throws UserInputException when a folder, the data or the loss settings are unusable
     */
    public static Result run(Request request, Consumer<String> warnings) {
        DjlEnvironment.configure();
        RunConfig config = request.config();
        Path folder = ModelFolders.resolve(config.model().path(), "--model");
        try (HfTokenizer tokenizer = HfTokenizer.load(folder);
                RunAssembly assembly = RunAssembly.open(config, tokenizer.padId(), warnings)) {
            PreferenceLoss loss = assembly.loss();
            PreparedData data = PreparedData.evaluationSet(config.data(),
                    loss.requirements().completions(), tokenizer, folder, "--data");
            EvaluatedModels models = new EvaluatedModels(request, loss, tokenizer, folder, warnings);
            assembly.models(models);
            AssembledRun run = assembly.finish(new ReferencePlan.Live());
            Path pairsFile = request.outputDir().resolve(PAIRS_FILE);
            Evaluator evaluator = new Evaluator(run.scorer(), run.batcher(), data.eval(),
                    config.train().batchSize(), new PairResultsWriter(request.outputDir(), loss.pairLossesBelongToPairs()));
            MetricsRecord metrics = evaluator.evaluate(0, run.manager(), pairsFile);
            Result result = new Result(metrics, data.eval().size(),
                    models.chosen == null ? "none (reference-free loss)" : models.chosen.description(), pairsFile,
                    data.report());
            writeSummary(request, result);
            return result;
        }
    }

    /**
     * The model of {@code --model} (no gradients: it is only scored) and its reference; a
     * reference-free loss never asks its reference for anything, so the model stands in.
     */
    private static final class EvaluatedModels implements ModelSource {

        private final Request request;
        private final PreferenceLoss loss;
        private final HfTokenizer tokenizer;
        private final Path folder;
        private final Consumer<String> warnings;
        /** The reference and how it was chosen, once loaded; null for a reference-free loss. */
        private Reference chosen;

        EvaluatedModels(Request request, PreferenceLoss loss, HfTokenizer tokenizer, Path folder, Consumer<String> warnings) {
            this.request = request;
            this.loss = loss;
            this.tokenizer = tokenizer;
            this.folder = folder;
            this.warnings = warnings;
        }

        @Override
        public RunModels load(NDManager manager) {
            RunConfig config = request.config();
            int maxLength = config.data().maxLength();
            LoadedModel policy = HfModelLoader.load(folder, maxLength, manager);
            warnUnused(policy, "--model", warnings);
            ModelArchitecture architecture = policy.architecture();
            if (tokenizer.vocabSize() > architecture.vocabSize()) {
                throw new UserInputException("--model: the tokenizer has " + tokenizer.vocabSize()
                        + " ids but the model's vocab_size is " + architecture.vocabSize());
            }
            LossRequirements needs = loss.requirements();
            boolean needsReference = needs.usesReference();
            ModelWeights weights = policy.weights();
            Reference reference;
            if (config.model().adapter() != null) {
                // base + adapter; the reference defaults to the base itself, adapters off, as TRL + PEFT train it
                weights = LoraWeights.load(architecture, weights, Path.of(config.model().adapter()), null, config.train().seed());
                reference = !needsReference ? null : config.reference().path() != null
                        ? reference(request, tokenizer, folder, maxLength, manager, warnings)
                        : new Reference(CausalLm.of(architecture, weights.withoutAdapters()),
                                "the base model " + config.model().path() + " with the adapters off");
            } else {
                reference = needsReference ? reference(request, tokenizer, folder, maxLength, manager, warnings) : null;
            }
            if (needsReference && reference == null) {
                throw new UserInputException("--reference: loss.type " + config.loss().type()
                        + " compares the model with a reference; give --reference DIR (the model training started from),"
                        + " or evaluate a run's final/ folder, whose resolved-config.yaml names it");
            }
            if (reference != null && reference.model().architecture().vocabSize() != architecture.vocabSize()) {
                throw new UserInputException("--reference: vocab_size " + reference.model().architecture().vocabSize()
                        + " differs from the model's " + architecture.vocabSize() + "; both must score the same vocabulary");
            }
            chosen = reference;
            CausalLm model = CausalLm.of(architecture, weights);
            return new RunModels(model, reference == null ? model : reference.model(), folder);
        }
    }

    /** The reference model and how it was chosen. */
    private record Reference(CausalLm model, String description) {}

    private static Reference reference(Request request, HfTokenizer tokenizer, Path policyFolder, int maxLength,
            NDManager manager, Consumer<String> warnings) {
        RunConfig config = request.config();
        if (config.reference().path() != null) {
            Path folder = ModelFolders.resolve(config.reference().path(), "--reference");
            return new Reference(loadReference(folder, "--reference", tokenizer, policyFolder, maxLength, manager, warnings),
                    config.reference().path());
        }
        RunConfig run = request.trainedWith();
        if (run == null) {
            return null;
        }
        String from = " (the run's reference, from " + request.origin() + ")";
        String path = run.reference().path() != null ? run.reference().path() : run.model().path();
        if (path != null) {
            String key = request.origin() + " " + (run.reference().path() != null ? "reference.path" : "model.path");
            Path folder = ModelFolders.resolve(path, key);
            return new Reference(loadReference(folder, key, tokenizer, policyFolder, maxLength, manager, warnings), path + from);
        }
        // a preset run: its initial policy, initialised exactly as RunModels does
        ModelArchitecture architecture = ModelPresets.of(
                run.model().arch(), run.model().preset(), new ByteTokenizer().vocabSize());
        return new Reference(
                CausalLm.of(architecture, ModelInitializer.randomWeights(architecture, run.train().seed(), manager)),
                run.model().arch() + " preset " + run.model().preset() + " initialised from seed " + run.train().seed() + from);
    }

    private static CausalLm loadReference(Path folder, String keyPath, HfTokenizer tokenizer, Path policyFolder,
            int maxLength, NDManager manager, Consumer<String> warnings) {
        try (HfTokenizer referenceTokenizer = HfTokenizer.load(folder)) {
            if (!tokenizer.vocabulary().equals(referenceTokenizer.vocabulary())) {
                throw new UserInputException(keyPath + ": the tokenizer of " + folder
                        + " has a different vocabulary from the model's (" + policyFolder
                        + "); model and reference must share one tokenizer");
            }
        }
        LoadedModel loaded = HfModelLoader.load(folder, maxLength, manager);
        warnUnused(loaded, keyPath, warnings);
        return CausalLm.of(loaded.architecture(), loaded.weights());
    }

    private static void warnUnused(LoadedModel loaded, String keyPath, Consumer<String> warnings) {
        if (!loaded.unusedTensors().isEmpty()) {
            warnings.accept("warning: " + keyPath + ": " + loaded.unusedTensors().size() + " tensor(s) of " + loaded.folder()
                    + " are not parameters of a " + loaded.architecture().modelType() + " model and were ignored, e.g. "
                    + loaded.unusedTensors().get(0));
        }
    }

    /** {@code summary.json}: what was evaluated, against what, and the metrics. */
    private static void writeSummary(Request request, Result result) {
        RunConfig config = request.config();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", config.model().path());
        summary.put("reference", result.reference());
        summary.put("data", config.data().train());
        summary.put("loss", config.loss().type());
        summary.put("pairs", result.pairs());
        summary.put("pairs_file", PAIRS_FILE);
        summary.put("metrics", result.metrics().values());
        Path file = request.outputDir().resolve(SUMMARY_FILE);
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(summary) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
