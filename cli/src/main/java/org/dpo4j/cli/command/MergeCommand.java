package org.dpo4j.cli.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.trainer.checkpoint.SaveDtype;
import org.dpo4j.trainer.lora.AdapterMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dpo4j merge}: a base model and a PEFT LoRA adapter as one Hugging Face model folder. */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Merge a PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors; e.g. a LoRA run's"
                    + " final/) into its base model: writes a Hugging Face model folder with W + s*B*A, as PEFT's"
                    + " merge_and_unload() does."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {"  dpo4j merge --base models/tiny-llama --adapter runs/a/final --out models/tiny-llama-dpo"})
public final class MergeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--base", paramLabel = "DIR", required = true, description = "The base model folder the adapter was trained on.")
    Path base;

    @Option(names = "--adapter", paramLabel = "DIR", required = true, description = "The PEFT LoRA adapter folder.")
    Path adapter;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder to create; it must not exist or be empty.")
    Path out;

    @Option(names = "--dtype", paramLabel = "DTYPE", defaultValue = "f32",
            description = "dtype of the written weights: f32, bf16 or f16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    private final CliEnvironment env;

    public MergeCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        AdapterMerge.Result result = AdapterMerge.run(env.workDir().resolve(base), env.workDir().resolve(adapter),
                env.workDir().resolve(out), SaveDtype.parse(dtype, "--dtype"));
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "merged %d LoRA layers (r %d, scaling %.4g) into %s: wrote %s%n", result.spec().modules().size(),
                result.spec().r(), result.spec().scaling(), base, out);
        w.flush();
        return ExitCodes.OK;
    }
}
