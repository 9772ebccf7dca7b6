package org.dpo4j.cli.command;

import com.fasterxml.jackson.databind.node.TextNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.cli.config.ResolvedConfig;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.cli.rundir.TrainingTarget;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.DataReport;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.run.MemoryEstimate;
import org.dpo4j.trainer.run.ResumePoint;
import org.dpo4j.trainer.run.RunCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dpo4j validate}: resolves a run config and checks everything training would check
 * before its first step ({@link RunCheck}), then prints the parameter counts and the estimated
 * peak memory ({@link MemoryEstimate}); trains nothing and writes no run directory.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Check a run config without training: files, data, parameter counts, estimated peak memory.",
            "",
            "Resolves and prints the config (as train does), checks that every"
                    + " file exists and parses (the model folders' config.json, safetensors headers with every"
                    + " tensor's shape, and tokenizer; every data record, tokenized as training does), then print"
                    + " the parameter counts and the estimated peak memory of policy, reference, gradients,"
                    + " AdamW state and activations at the configured batch. Loads no weights and writes nothing;"
                    + " an hf:// model is downloaded into the cache as train would."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j validate --config configs/smollm-135m.yaml",
            "  dpo4j validate --config my-run.yaml --set train.batch_size=4 --set data.max_length=512",
            "  dpo4j validate --config my-run.yaml --output-dir runs/a --resume   check the checkpoint a resume would use"
        })
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "The run directory (sets output.dir), as train takes it; with --resume, the run to check.")
    String outputDir;

    @Option(names = "--resume", paramLabel = "CHECKPOINT", arity = "0..1", fallbackValue = "",
            description = {
                "Also check the checkpoint train --resume would continue from (alone: the latest complete one"
                        + " of --output-dir; or a folder RUN/checkpoints/step-N): every file against the SHA-256 sums"
                        + " in its SHA256SUMS, its trainer_state.json, and that the config may resume it."
            })
    String resume;

    private final CliEnvironment env;
    private final ConfigLoader loader;

    public ValidateCommand(CliEnvironment env, ConfigLoader loader) {
        this.env = env;
        this.loader = loader;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<ConfigOverride> flags = outputDir == null ? List.of()
                : List.of(ConfigOverride.flag("output.dir", TextNode.valueOf(outputDir), "--output-dir " + outputDir));
        ResolvedConfig resolved = configOptions.load(loader, env, flags);
        RunConfig run = resolved.config();
        out.println("# resolved config");
        out.print(resolved.yaml());
        out.println();
        out.flush();
        if (resume != null) {
            ResumePoint from = TrainingTarget.checkpoint(run, resume, env.workDir());
            from.checkConfig(run);
            String shown = TrainingTarget.display(from.folder(), env.workDir());
            out.println("checkpoint: " + shown + " (step " + from.step() + "): " + (from.verifiedFiles().isPresent()
                    ? from.verifiedFiles().getAsInt() + " files match their SHA-256 sums" : "not checked"));
            from.unverifiedWarning(shown).ifPresent(out::println);
        }

        RunCheck check = RunCheck.of(run);
        out.println("device: " + check.device() + " (train.device: " + run.train().device() + ")");
        out.println("policy: " + describe(check.policySource(), check.policy()) + "; tokenizer: "
                + String.format(Locale.ROOT, "%,d", check.vocabSize()) + " ids");
        out.printf(Locale.ROOT, "trainable: %,d of %,d parameters (%.3f%%)%s%n", check.trainable(),
                check.policy().parameterCount() + (check.lora() == null ? 0 : check.trainable()),
                100.0 * check.trainable() / (check.policy().parameterCount() + (check.lora() == null ? 0 : check.trainable())),
                check.lora() == null ? ", full fine-tuning" : String.format(Locale.ROOT,
                        ", LoRA r %d, scaling %.4g, %d adapted layers (e.g. %s)", check.lora().r(), check.lora().scaling(),
                        check.lora().modules().size(), check.lora().modules().get(0)));
        out.println("reference: " + switch (check.referenceMode()) {
            case UNUSED -> "none (loss " + run.loss().type() + " is reference-free; its weights are still loaded)";
            case PRECOMPUTED -> describe(check.referenceSource(), check.reference())
                    + "; its log-probs are precomputed and cached, then its weights freed";
            case LIVE -> describe(check.referenceSource(), check.reference()) + "; run on every batch";
        });
        DataReport data = check.data();
        out.printf(Locale.ROOT, "data: %d training pairs, %d held-out pairs; skipped bad records: %s; dropped: %d;"
                        + " truncated: %d prompts, %d completions%n",
                data.trainPairs(), data.evalPairs(), data.skipped().isEmpty() ? "none" : describe(data.skipped()),
                data.tokenization().dropped(), data.tokenization().promptsTruncated(),
                data.tokenization().completionsTruncated());
        out.println();
        printMemory(out, run, check.memory());
        out.println();
        out.println("config is valid; nothing was trained");
        out.flush();
        return ExitCodes.OK;
    }

    private static void printMemory(PrintWriter out, RunConfig run, MemoryEstimate m) {
        // micro-batches are freed one by one, so gradient_accumulation_steps does not change it
        out.printf(Locale.ROOT, "estimated peak memory (float32) at batch_size %d (%d rows) x max_length %d:%n",
                run.train().batchSize(), 2 * run.train().batchSize(), run.data().maxLength());
        row(out, "policy weights", m.policyWeights());
        if (m.referenceCache() > 0) {
            row(out, "reference log-prob cache", m.referenceCache());
        } else {
            row(out, "reference weights", m.referenceWeights());
        }
        row(out, "gradients", m.gradients());
        row(out, "AdamW state (2 moments)", m.optimizerState());
        row(out, "activations, policy", m.policyActivations());
        if (m.referenceActivations() > 0) {
            row(out, "reference states (TDPO)", m.referenceActivations());
        }
        row(out, "JVM and libtorch", m.runtime());
        row(out, "total", m.total());
    }

    private static void row(PrintWriter out, String name, long bytes) {
        out.printf(Locale.ROOT, "  %-26s %10s%n", name, bytes(bytes));
    }

    /** Bytes in binary units: {@code 512 B}, {@code 1.5 MiB}, {@code 2.75 GiB}. */
    static String bytes(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }

    private static String describe(String source, ModelArchitecture a) {
        return String.format(Locale.ROOT, "%s (%s: %d layers, hidden %d, vocab_size %d): %,d parameters",
                source, a.modelType(), a.numLayers(), a.hiddenSize(), a.vocabSize(), a.parameterCount());
    }

    private static String describe(Map<String, Integer> counts) {
        StringBuilder s = new StringBuilder();
        counts.forEach((reason, n) -> s.append(s.length() > 0 ? ", " : "").append(n).append(' ').append(reason));
        return s.toString();
    }
}
