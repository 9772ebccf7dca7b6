package org.dpo4j.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.cli.rundir.RunReport;
import org.dpo4j.trainer.generate.D2oRecords;
import org.dpo4j.trainer.generate.ModelGeneration;
import org.dpo4j.trainer.generate.Prompt;
import org.dpo4j.trainer.generate.PromptFile;
import org.dpo4j.trainer.generate.SampleStatistics;
import org.dpo4j.trainer.generate.SamplingOptions;
import org.dpo4j.trainer.reward.RewardEvaluation;
import org.dpo4j.trainer.reward.RewardKind;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dpo4j generate}: samples from a model folder and reports the samples' diversity and,
 * with a reference, their KL to it. The work is {@link ModelGeneration}'s.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Sample continuations of prompts from a Hugging Face model folder (e.g. a run's final/), with a"
                    + " key/value cache, and print them with a summary over all samples: distinct-1 and"
                    + " distinct-2 (unique token n-grams / n-grams), the mean per-token entropy of the model's own"
                    + " next-token distribution (temperature 1, before top-k/top-p), and with --reference the mean"
                    + " sequence KL, mean over samples of sum_t [log p(y_t) - log p_ref(y_t)], the Monte-Carlo"
                    + " estimate of KL(model || reference) the f-DPO paper reports.",
            "",
            "Prompts get BOS as training prompts do. --prompts FILE: one prompt per line, or, for a .jsonl"
                    + " file, JSON objects with a \"prompt\" field (a string or a list of chat messages)."
                    + " Sampling is seeded: the same seed, options and prompt give the same text."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j generate --model runs/quick/final --prompt 'Praise the soup.' --max-new-tokens 40",
            "  dpo4j generate --model runs/quick/final --prompts examples/prompts.jsonl --num-samples 4 \\",
            "      --temperature 0.8 --top-p 0.9 --seed 1 --output samples.jsonl",
            "  dpo4j generate --model runs/quick/final --prompts examples/prompts.jsonl --temperature 0",
            "  dpo4j generate --model runs/quick/final --prompts pairs.jsonl --num-samples 4 --d2o --output d2o.jsonl"
        })
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", required = true,
            description = "Model folder (config.json, *.safetensors, tokenizer.json), e.g. RUN/final, or hf://owner/name.")
    String model;

    static final class Prompts {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "One prompt.")
        String prompt;

        @Option(names = "--prompts", paramLabel = "FILE",
                description = "A file of prompts: one per line, or JSONL (.jsonl) with a \"prompt\" field.")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Prompts prompts;

    @Option(names = "--reference", paramLabel = "DIR",
            description = "Reference model folder: adds each sample's sequence KL and their mean.")
    String reference;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "A PEFT LoRA adapter folder (e.g. a LoRA run's final/) applied to --model, its base; without"
                    + " --reference the KL is then to the base with the adapters off.")
    String adapter;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
            description = "Divides the logits; 0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0",
            description = "Nucleus sampling, in (0, 1]; 1 keeps every token (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0",
            description = "Keep the K most likely tokens; 0 keeps all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "64",
            description = "Most tokens per sample, EOS included (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--num-samples", paramLabel = "N", defaultValue = "1",
            description = "Samples per prompt (default: ${DEFAULT-VALUE}).")
    int numSamples;

    @Option(names = "--chat-template", paramLabel = "NAME", defaultValue = "auto",
            description = {
                "How prompts are rendered: auto (the model's own chat template when its folder has one, else text"
                        + " as it is; conversations then get chatml), none (text as it is), model, chatml, llama3,"
                        + " plain (default: ${DEFAULT-VALUE})."
            })
    String chatTemplate;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Also write one JSON line per sample: prompt_index, sample_index, prompt, completion, tokens,"
                    + " finish_reason (stop or length), logp, and with --reference ref_logp and kl.")
    Path output;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto (the first GPU when the engine sees one), cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--d2o",
            description = "With --prompts FILE.jsonl whose records also have \"rejected\", and --output: write D2O"
                    + " training data instead, one {prompt, rejected, samples} line per prompt with its --num-samples"
                    + " samples (loss.type: d2o trains on it).")
    boolean d2o;

    @Option(names = "--reward", paramLabel = "NAME",
            description = "Score the samples with a known reward (sentiment: the built-in praise/criticise task);"
                    + " without --prompt/--prompts, the reward's own prompts are sampled.")
    String reward;

    @Option(names = "--scores", paramLabel = "FILE",
            description = "With --reward: write the scores as JSON, overall and per prompt (mean reward, KL, entropy, distinct-n).")
    Path scores;

    private final CliEnvironment env;

    public GenerateCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        SamplingOptions options = options();
        if (!ModelGeneration.CHAT_TEMPLATES.contains(chatTemplate)) {
            throw new ParameterException(spec.commandLine(),
                    "--chat-template: '" + chatTemplate + "' is not one of " + ModelGeneration.CHAT_TEMPLATES);
        }
        if (numSamples < 1) {
            throw new ParameterException(spec.commandLine(), "--num-samples: must be >= 1, got " + numSamples);
        }
        RewardKind rewardKind = reward == null ? null : RewardKind.byName(reward, "--reward");
        if (prompts == null && rewardKind == null) {
            throw new ParameterException(spec.commandLine(), "Missing required argument: --prompt=TEXT or --prompts=FILE");
        }
        if (scores != null && rewardKind == null) {
            throw new ParameterException(spec.commandLine(), "--scores: needs --reward");
        }
        if (d2o && (prompts == null || prompts.file == null || output == null)) {
            throw new ParameterException(spec.commandLine(), "--d2o: needs --prompts FILE.jsonl (records with \"prompt\""
                    + " and \"rejected\") and --output FILE");
        }
        List<Prompt> inputs = prompts == null
                ? rewardKind.defaultPrompts().stream().map(p -> Prompt.text(p, "--reward " + reward)).toList()
                : prompts.prompt != null
                ? List.of(Prompt.text(prompts.prompt, "--prompt"))
                : PromptFile.read(env.workDir().resolve(prompts.file), prompts.file.toString());
        List<JsonNode> rejected = d2o
                ? D2oRecords.rejected(env.workDir().resolve(prompts.file), prompts.file.toString(), inputs)
                : null;
        if (prompts != null && prompts.prompt != null && prompts.prompt.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--prompt: must not be empty");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelGeneration.Request request = new ModelGeneration.Request(
                absolute(model), absolute(reference), chatTemplate, options, numSamples, absolute(adapter));
        List<ModelGeneration.PromptSamples> results = new ArrayList<>();
        try (ModelGeneration generation = ModelGeneration.open(request, device, line -> {
            err.println(line);
            err.flush();
        })) {
            for (int i = 0; i < inputs.size(); i++) {
                ModelGeneration.PromptSamples r = generation.generate(i, inputs.get(i));
                results.add(r);
                print(out, r);
            }
            SampleStatistics stats = generation.statistics(results);
            if (d2o) {
                D2oRecords.write(env.workDir().resolve(output), results, rejected);
            } else if (output != null) {
                ModelGeneration.writeJsonl(env.workDir().resolve(output), results);
            }
            out.println();
            out.printf(Locale.ROOT, "%d sample(s) of %d prompt(s), %d generated tokens (%s)%n", stats.samples(),
                    inputs.size(), stats.tokens(), options.greedy() ? "greedy"
                            : String.format(Locale.ROOT, "temperature %s, top-p %s, top-k %d, seed %d",
                                    options.temperature(), options.topP(), options.topK(), options.seed()));
            out.printf(Locale.ROOT, "  distinct-1              %s%n", RunReport.format(stats.distinct1()));
            out.printf(Locale.ROOT, "  distinct-2              %s%n", RunReport.format(stats.distinct2()));
            out.printf(Locale.ROOT, "  entropy per token       %s nats%n", RunReport.format(stats.meanEntropy()));
            if (stats.meanKl() != null) {
                out.printf(Locale.ROOT, "  KL to the reference     %s nats per sample%n", RunReport.format(stats.meanKl()));
            }
            if (rewardKind != null) {
                RewardEvaluation.Result scored = RewardEvaluation.score(generation, results, rewardKind);
                out.printf(Locale.ROOT, "  reward (%s)%s %s (sd %s)%n", rewardKind.optionName(),
                        " ".repeat(Math.max(1, 14 - rewardKind.optionName().length())),
                        RunReport.format(scored.overall().meanReward()), RunReport.format(scored.overall().rewardStd()));
                out.printf(Locale.ROOT, "  distinct-1/2 (words)    %s / %s%n", RunReport.format(scored.overall().wordDistinct1()),
                        RunReport.format(scored.overall().wordDistinct2()));
                if (scores != null) {
                    RewardEvaluation.writeJson(env.workDir().resolve(scores), scored);
                    out.println("scores written to " + scores);
                }
            }
            if (output != null) {
                out.println((d2o ? "D2O records (prompt, rejected, samples) written to " : "samples written to ") + output);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, ModelGeneration.PromptSamples r) {
        out.printf(Locale.ROOT, "prompt %d (%d tokens): %s%n", r.index() + 1, r.promptTokens(), oneLine(r.prompt().display()));
        for (int i = 0; i < r.completions().size(); i++) {
            ModelGeneration.Completion c = r.completions().get(i);
            String kl = c.kl() == null ? "" : String.format(Locale.ROOT, ", kl %s", RunReport.format(c.kl()));
            out.printf(Locale.ROOT, "  sample %d (%d tokens, %s, logp %s%s): %s%n", i + 1, c.sample().tokens().length,
                    c.sample().stopped() ? "stop" : "length", RunReport.format(c.sample().logProb()), kl, oneLine(c.text()));
        }
        out.flush();
    }

    /** Control characters escaped, so that one sample is one line. */
    private static String oneLine(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }

    private SamplingOptions options() {
        try {
            return new SamplingOptions(temperature, topP, topK, maxNewTokens, seed);
        } catch (IllegalArgumentException e) {
            // "top_p must be ..." -> "--top-p: must be ..."
            String message = e.getMessage();
            int space = message.indexOf(' ');
            throw new ParameterException(spec.commandLine(),
                    "--" + message.substring(0, space).replace('_', '-') + ":" + message.substring(space));
        }
    }

    /** A local folder relative to the working directory; hf:// references and null pass unchanged. */
    private String absolute(String folder) {
        if (folder == null || folder.startsWith("hf://")) {
            return folder;
        }
        return env.workDir().resolve(folder).toString();
    }
}
