package org.dpo4j.cli;

import org.dpo4j.cli.command.VersionProvider;
import org.dpo4j.trainer.common.EngineThreads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code dpo4j}: the root command; it only holds the subcommands, help and version. */
@Command(
        name = "dpo4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Align causal language models with preference pairs (DPO) on the JVM.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j train                                   train the embedded default run",
            "  dpo4j train --config configs/dpo-tiny.yaml --set loss.beta=0.2",
            "  dpo4j init-model --arch qwen2 --out models/tiny-qwen2   a random model folder",
            "  dpo4j train --set model.path=models/tiny-qwen2          train a Hugging Face folder",
            "  dpo4j plot runs/20261122-202424               redraw a run's charts in its plots/",
            "  dpo4j eval --model runs/a/final --data pairs.jsonl      loss metrics of a trained model",
            "  dpo4j generate --model runs/a/final --prompt 'Hi'       sample text, diversity and KL",
            "  dpo4j merge --base DIR --adapter runs/a/final --out DIR  a LoRA run's adapter merged into its base",
            "  dpo4j validate --config configs/smollm-135m.yaml   check files, count parameters, estimate memory",
            "  dpo4j configs                                 list the bundled example configs",
            "  dpo4j configs tdpo2-tiny > my-run.yaml        start a config from one",
            "  dpo4j config schema > dpo4j-config.schema.json   a JSON Schema for editors",
            "  dpo4j bench --preset small --json bench.json  time the training step (docs/performance.md)",
            "  dpo4j sweep --config configs/sweeps/fdpo-divergences-tiny.yaml   train every run of a sweep",
            "  dpo4j report runs/tradeoffs                   score a sweep's models with a reward, report.md + charts",
            "  dpo4j help train                              the options of train",
        })
public final class RootCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /**
     * {@code --threads N} on every command (inherited): the engine's CPU threads, before it
     * starts; beats {@code train.threads}.
     */
    @Option(names = "--threads", paramLabel = "N", scope = ScopeType.INHERIT,
            description = "CPU (OpenMP) threads of the engine; beats train.threads (default: OMP_NUM_THREADS,"
                    + " else every core).")
    void threads(int n) {
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--threads: must be >= 1, got " + n);
        }
        EngineThreads.fromCommandLine(n);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (try 'train')");
    }
}
