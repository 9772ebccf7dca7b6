package org.dpo4j.cli.command;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.trainer.bench.BenchResult;
import org.dpo4j.trainer.bench.BenchSettings;
import org.dpo4j.trainer.bench.Benchmark;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.common.EngineThreads;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.model.registry.ModelPresets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dpo4j bench}: resolves the run config like {@code train} (plus the typed flags
 * {@code --preset}, {@code --loss}, {@code --batch-size}, {@code --reference}), runs
 * {@link Benchmark}, prints its table and, with {@code --json}, writes its figures.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Time the real training step on a fixed synthetic workload and print steps/s, tokens/s, the"
                    + " time per phase (data, reference forward, policy forward, loss, metrics, policy"
                    + " backward, optimizer), model FLOPs utilisation (MFU) against an fp32 matmul peak"
                    + " measured in the same run, peak memory, page faults and start-up time.",
            "",
            "The model, loss, optimizer, batch size and reference mode come from the config (embedded"
                    + " default < --config < --set < flags); the data are always random token ids over the"
                    + " model's vocabulary, each row --seq-len tokens, its first quarter the (unscored)"
                    + " prompt. Nothing is written but the --json file. See docs/performance.md."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j bench                                      tiny preset, 8 pairs x 256 tokens, DPO",
            "  dpo4j bench --preset small --json small.json      the 34M-parameter workload",
            "  dpo4j bench --preset small --reference precomputed --steps 10",
            "  dpo4j bench --preset qwen05 --batch-size 2 --steps 3 --warmup 1   Qwen2.5-0.5B's shapes (494M, ~16 GB)",
            "  dpo4j bench --config configs/dpo-tiny.yaml --loss ipo --batch-size 4 --seq-len 128"
        })
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--preset", paramLabel = "SIZE",
            description = "Model preset: tiny (the default run's model) or small (about 34M parameters, vocabulary"
                    + " 8192), which set model.preset; or a published model's shape with random weights:"
                    + " qwen05 (Qwen2.5-0.5B: 494M parameters, vocabulary 151,936, tied head) or gemma3_270m"
                    + " (Gemma 3 270M: 268M parameters, vocabulary 262,144, sliding window 512), which replaces"
                    + " the config's model.")
    String preset;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--loss", paramLabel = "TYPE", description = "Loss type; sets loss.type (default: dpo).")
    String loss;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "20",
            description = "Timed optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
            description = "Untimed optimizer steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batch-size", paramLabel = "PAIRS",
            description = "Pairs per micro-batch; sets train.batch_size (default: 8).")
    Integer batchSize;

    @Option(names = "--seq-len", paramLabel = "T", defaultValue = "256",
            description = "Tokens per row, prompt and completion (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--reference", paramLabel = "MODE",
            description = "live (a reference forward pass per batch) or precomputed (the reference's log-probs"
                    + " computed before timing); sets reference.precompute (default: live).")
    String reference;

    @Option(names = "--matmul-size", paramLabel = "N", defaultValue = "2048",
            description = "n of the n x n fp32 matmul that measures the peak (default: ${DEFAULT-VALUE}).")
    int matmulSize;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures to FILE as JSON.")
    Path json;

    @Option(names = "--profile", paramLabel = "FILE",
            description = "Also run one step under libtorch's profiler after the timed ones and write its trace"
                    + " (Chrome trace JSON: every op with its time and input shapes) to FILE. The timed steps are"
                    + " not profiled.")
    Path profile;

    private final CliEnvironment env;
    private final ConfigLoader loader;

    public BenchCommand(CliEnvironment env, ConfigLoader loader) {
        this.env = env;
        this.loader = loader;
    }

    @Override
    public Integer call() throws IOException {
        atLeast("--steps", steps, 1);
        atLeast("--warmup", warmup, 0);
        atLeast("--seq-len", seqLen, 2);
        atLeast("--matmul-size", matmulSize, 1);
        // --threads is every command's (RootCommand); null: train.threads, else the engine's default
        Integer threads = EngineThreads.choose(null);
        if (reference != null && !reference.equals("live") && !reference.equals("precomputed")) {
            throw new ParameterException(spec.commandLine(),
                    "--reference: '" + reference + "' is not one of [live, precomputed]");
        }
        String shape = isShape(preset) ? preset : null;
        Path jsonFile = outputFile("--json", json);
        Path profileFile = outputFile("--profile", profile);
        RunConfig run = configOptions.load(loader, env, flags()).config();
        if (preset != null && run.model().path() != null) {
            throw new ConfigException("config error: --preset " + preset + ": model.path is set ("
                    + run.model().path() + "), so no preset is used; drop one of the two");
        }

        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "dpo4j bench: %d warm-up and %d timed steps of %d pairs x %d tokens ...%n",
                warmup, steps, run.train().batchSize(), seqLen);
        out.flush();
        BenchResult result = Benchmark.run(run, new BenchSettings(steps, warmup, seqLen, threads, matmulSize, profileFile, shape),
                note -> {
                    out.println(note);
                    out.flush();
                });
        out.println();
        out.print(result.table());
        if (jsonFile != null) {
            AtomicFiles.writeString(jsonFile, result.toJson());
            out.println();
            out.println("figures written to " + json);
        }
        if (profileFile != null) {
            out.println("profiler trace of one more step written to " + profile + " (open it in chrome://tracing or"
                    + " https://ui.perfetto.dev)");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code file} resolved against the working directory; its folder must exist. */
    private Path outputFile(String option, Path file) {
        if (file == null) {
            return null;
        }
        Path resolved = env.workDir().resolve(file);
        Path folder = resolved.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new UserInputException(option + ": " + file + ": the folder " + folder + " does not exist");
        }
        return resolved;
    }

    private void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + ": must be >= " + min + ", got " + value);
        }
    }

    /** Whether {@code --preset} names a published model's shape rather than a size preset. */
    private static boolean isShape(String preset) {
        return preset != null && ModelPresets.SHAPES.contains(preset);
    }

    private List<ConfigOverride> flags() {
        List<ConfigOverride> flags = new ArrayList<>();
        if (preset != null && !isShape(preset)) { // a shape is no model.preset; an unknown name fails there
            flags.add(ConfigOverride.flag("model.preset", TextNode.valueOf(preset), "--preset " + preset));
        }
        if (loss != null) {
            flags.add(ConfigOverride.flag("loss.type", TextNode.valueOf(loss), "--loss " + loss));
        }
        if (batchSize != null) {
            flags.add(ConfigOverride.flag("train.batch_size", IntNode.valueOf(batchSize), "--batch-size " + batchSize));
        }
        if (reference != null) {
            flags.add(ConfigOverride.flag("reference.precompute", BooleanNode.valueOf(reference.equals("precomputed")),
                    "--reference " + reference));
        }
        return flags;
    }
}
