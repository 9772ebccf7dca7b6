package org.dpo4j.cli.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.trainer.init.RandomModelFolder;
import org.dpo4j.trainer.model.registry.ModelPresets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dpo4j init-model}: writes a random Hugging Face model folder for smoke runs. */
@Command(
        name = "init-model",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Write a randomly initialised Hugging Face model folder (config.json, model.safetensors,"
                    + " a byte-level BPE tokenizer.json learned from the built-in pairs) that"
                    + " 'train --set model.path=DIR' loads like a downloaded model.",
            "",
            "tiny: 2 layers, d=128, vocabulary 512. small: 8 layers, d=512, vocabulary 8192 (about 34M parameters)."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j init-model --arch llama --preset tiny --out models/tiny-llama --seed 1",
            "  dpo4j init-model --config-json qwen2.5-0.5b/config.json --out models/qwen-shapes",
            "  dpo4j train --set model.path=models/tiny-llama --max-steps 20"
        })
public final class InitModelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "llama",
            description = "Architecture: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = Arches.class)
    String arch;

    @Option(names = "--preset", paramLabel = "SIZE", defaultValue = "tiny",
            description = "Size: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = Presets.class)
    String preset;

    @Option(names = "--config-json", paramLabel = "FILE",
            description = "Take the shapes from this Hugging Face config.json (e.g. a hub model's) instead of"
                    + " --arch and --preset; the weights are random.")
    Path configJson;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Folder to create; it must not exist or be empty.")
    Path out;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    private final CliEnvironment env;

    public InitModelCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Path folder = env.workDir().resolve(out);
        RandomModelFolder.Written written;
        String what;
        if (configJson != null) {
            for (String option : List.of("--arch", "--preset")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new ParameterException(spec.commandLine(),
                            option + ": not with --config-json, which gives the shapes; drop one of them");
                }
            }
            written = RandomModelFolder.fromConfig(env.workDir().resolve(configJson), folder, seed);
            what = written.architecture().modelType() + " model with the shapes of " + configJson;
        } else {
            check("--arch", arch, ModelPresets.ARCHES);
            check("--preset", preset, ModelPresets.PRESETS);
            written = RandomModelFolder.write(arch, preset, folder, seed);
            what = arch + " " + preset + " model";
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "wrote a random %s to %s: %,d parameters, vocab_size %d (tokenizer: %d ids)%n",
                what, out, written.architecture().parameterCount(), written.architecture().vocabSize(),
                written.tokenizerVocabSize());
        w.println("train it with: ./dpo4j train --set model.path=" + out);
        w.flush();
        return ExitCodes.OK;
    }

    private void check(String option, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new ParameterException(spec.commandLine(),
                    option + ": '" + value + "' is not one of " + allowed);
        }
    }

    static final class Arches extends ArrayList<String> {
        Arches() {
            super(ModelPresets.ARCHES);
        }
    }

    static final class Presets extends ArrayList<String> {
        Presets() {
            super(ModelPresets.PRESETS);
        }
    }
}
