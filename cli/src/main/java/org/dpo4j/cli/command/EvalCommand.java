package org.dpo4j.cli.command;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.cli.config.ResolvedConfig;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.cli.rundir.RunDirectory;
import org.dpo4j.cli.rundir.RunReport;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.eval.ModelEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dpo4j eval}: the loss metrics of a model folder against a reference on preference
 * pairs, as training's held-out evaluation computes them. The work is {@link ModelEvaluation}'s.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Evaluate a model folder on preference pairs: the loss and the eval/ metrics training logs"
                    + " (rewards, accuracies, margins, log-probs), over every pair of --data (nothing is split off).",
            "",
            "The reference: --reference DIR; else, when --model is a run's final/ folder, the run's own reference"
                    + " as its resolved-config.yaml says (reference.path, model.path, or the preset initialised from"
                    + " train.seed); else none, which only reference-free losses (simpo, cpo, orpo, sft) accept.",
            "",
            "The data are read and tokenized as training does (data.format, data.columns, data.chat_template,"
                    + " data.max_length, ...; set them with --config or --set), with loss from the same config.",
            "",
            "Writes summary.json and pairs.jsonl (one line per pair, as a run's eval/step-N.jsonl) and"
                    + " resolved-config.yaml into --output-dir, or runs/eval-<yyyyMMdd-HHmmss>."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j eval --model runs/quick/final --data examples/soup.jsonl",
            "  dpo4j eval --model runs/a/final --reference models/tiny-llama --data pairs.jsonl \\",
            "      --set loss.beta=0.2 --output-dir runs/a-eval",
            "  dpo4j eval --model runs/a/final --data pairs.jsonl --config runs/a/resolved-config.yaml"
        })
public final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", required = true,
            description = "Model folder (config.json, *.safetensors, tokenizer.json), e.g. RUN/final (sets model.path).")
    String model;

    @Option(names = "--reference", paramLabel = "DIR", description = "Reference model folder (sets reference.path).")
    String reference;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "A PEFT LoRA adapter folder (e.g. a LoRA run's final/) applied to --model, its base (sets"
                    + " model.adapter); the reference is then the base with the adapters off, unless --reference.")
    String adapter;

    @Option(names = "--data", paramLabel = "FILE", required = true,
            description = "Preference pairs: a JSONL, JSON or Parquet file or a directory (sets data.train).")
    String data;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "Directory for the results; must not exist or be empty (default: runs/eval-<time>).")
    String outputDir;

    @Option(names = "--batch-size", paramLabel = "N", description = "Pairs per forward pass (sets train.batch_size).")
    Integer batchSize;

    private final CliEnvironment env;
    private final ConfigLoader loader;

    public EvalCommand(CliEnvironment env, ConfigLoader loader) {
        this.env = env;
        this.loader = loader;
    }

    @Override
    public Integer call() throws IOException {
        ResolvedConfig resolved = configOptions.load(loader, env, flags());
        RunConfig run = resolved.config();
        Path modelFolder = env.workDir().resolve(model);
        RunConfig trainedWith = null;
        String origin = null;
        if (run.reference().path() == null && modelFolder.getParent() != null
                && Files.isRegularFile(modelFolder.getParent().resolve(RunDirectory.RESOLVED_CONFIG))) {
            Path runConfig = modelFolder.getParent().resolve(RunDirectory.RESOLVED_CONFIG);
            origin = Path.of(model).resolveSibling(RunDirectory.RESOLVED_CONFIG).toString();
            trainedWith = loader.load(runConfig, origin, List.of(), List.of()).config();
        }
        RunDirectory dir = RunDirectory.create(outputDir, env.workDir(), env.clock(), "eval-");
        dir.writeAtomically(RunDirectory.RESOLVED_CONFIG, resolved.yaml());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelEvaluation.Result result;
        try {
            result = ModelEvaluation.run(new ModelEvaluation.Request(run, trainedWith, origin, dir.path()), line -> {
                err.println(line);
                err.flush();
            });
        } catch (UserInputException e) {
            dir.deleteIfOnly(RunDirectory.RESOLVED_CONFIG);
            throw e;
        }
        out.printf(Locale.ROOT, "evaluated %s on %d pair(s) of %s with loss %s%n", model, result.pairs(), data,
                run.loss().type());
        out.println("reference: " + result.reference());
        Map<String, Double> metrics = result.metrics().values();
        int width = metrics.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", e.getKey(), RunReport.format(e.getValue()));
        }
        out.println("per-pair results: " + dir.display() + "/" + ModelEvaluation.PAIRS_FILE);
        out.println("summary: " + dir.display() + "/" + ModelEvaluation.SUMMARY_FILE);
        out.flush();
        return ExitCodes.OK;
    }

    private List<ConfigOverride> flags() {
        List<ConfigOverride> flags = new ArrayList<>();
        String modelPath = env.workDir().resolve(model).toString();
        flags.add(ConfigOverride.flag("model.path", TextNode.valueOf(modelPath), "--model " + model));
        if (reference != null) {
            String path = reference.startsWith("hf://") ? reference : env.workDir().resolve(reference).toString();
            flags.add(ConfigOverride.flag("reference.path", TextNode.valueOf(path), "--reference " + reference));
        }
        if (adapter != null) {
            flags.add(ConfigOverride.flag("model.adapter", TextNode.valueOf(env.workDir().resolve(adapter).toString()),
                    "--adapter " + adapter));
        }
        flags.add(ConfigOverride.flag("data.train", TextNode.valueOf(env.workDir().resolve(data).toString()), "--data " + data));
        if (batchSize != null) {
            flags.add(ConfigOverride.flag("train.batch_size", IntNode.valueOf(batchSize), "--batch-size " + batchSize));
        }
        return flags;
    }
}
