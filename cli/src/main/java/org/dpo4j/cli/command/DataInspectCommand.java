package org.dpo4j.cli.command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.DataReport;
import org.dpo4j.trainer.data.LengthPercentiles;
import org.dpo4j.trainer.data.PaddingEstimate;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.run.DataPreview;
import org.dpo4j.trainer.tokenizer.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dpo4j data inspect}: the run's data exactly as the loss sees it: counts, what was
 * skipped, dropped or truncated, token-length percentiles, the padding the batches will carry,
 * and examples with the scored tokens marked. Loads no weights.
 */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Print dataset statistics and examples of a run's data, tokenized and truncated exactly as"
                    + " training does: pairs, skipped records by reason, token-length percentiles of prompt,"
                    + " chosen and rejected, the padding fraction at the configured batch size, and"
                    + " examples with the scored (completion) tokens between ⟦ and ⟧. With --json, one JSON"
                    + " object per pair instead (training pairs, then held-out ones): id, split, prompt_ids,"
                    + " chosen_ids, rejected_ids, chosen_scored and rejected_scored (0 or 1 per token of"
                    + " prompt + completion, 1 where the loss scores it), prompt_text, chosen_text,"
                    + " rejected_text."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j data inspect",
            "  dpo4j data inspect --config run.yaml --set data.max_length=64 --examples 5",
            "  dpo4j data inspect --config run.yaml --json > pairs.jsonl"
        })
public final class DataInspectCommand implements Callable<Integer> {

    /** Marks the start and end of the tokens the loss scores. */
    static final String SCORED_START = "⟦";
    static final String SCORED_END = "⟧";

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--examples", paramLabel = "N",
            description = "Training examples to show (default: 3); with --json, pairs per split (default: all).")
    Integer examples;

    @Option(names = "--json",
            description = "Print one JSON object per pair (one per line), training pairs then held-out"
                    + " ones, instead of the statistics and examples.")
    boolean json;

    private final CliEnvironment env;
    private final ConfigLoader loader;

    public DataInspectCommand(CliEnvironment env, ConfigLoader loader) {
        this.env = env;
        this.loader = loader;
    }

    @Override
    public Integer call() {
        RunConfig run = configOptions.load(loader, env, List.of()).config();
        PrintWriter out = spec.commandLine().getOut();
        try (DataPreview preview = DataPreview.of(run)) {
            PreparedData data = preview.data();
            if (json) {
                int limit = examples == null ? Integer.MAX_VALUE : examples;
                data.train().stream().limit(limit)
                        .forEach(pair -> out.println(PairJson.line(pair, "train", preview.tokenizer())));
                data.eval().stream().limit(limit)
                        .forEach(pair -> out.println(PairJson.line(pair, "eval", preview.tokenizer())));
                out.flush();
                return ExitCodes.OK;
            }
            DataReport report = data.report();
            out.printf(Locale.ROOT, "pairs: %d training, %d held-out%n", report.trainPairs(), report.evalPairs());
            out.println("skipped bad records: " + (report.skipped().isEmpty() ? "none" : describe(report.skipped())));
            out.printf(Locale.ROOT, "dropped (a completion truncated to nothing): %d%n", report.tokenization().dropped());
            out.printf(Locale.ROOT, "truncated: %d prompts, %d pairs' completions (max_length %d, max_prompt_length %d, %s)%n",
                    report.tokenization().promptsTruncated(), report.tokenization().completionsTruncated(),
                    run.data().maxLength(), run.data().maxPromptLength(), run.data().truncationMode());
            out.printf(Locale.ROOT, "completions tokenized apart from their prompt (a merge across the boundary): %d%n",
                    report.tokenization().boundaryRetokenized());
            if (report.template() != null) {
                out.printf(Locale.ROOT, "conversations rendered with the %s chat template: %d%n",
                        report.template(), report.conversationalPairs());
            }
            out.println();
            out.println("token lengths of the training pairs   p50    p90    p99    max");
            row(out, "prompt", LengthPercentiles.of(data.train(), p -> p.prompt().length));
            row(out, "chosen (scored, EOS included)", LengthPercentiles.of(data.train(), p -> p.chosen().length));
            row(out, "rejected (scored, EOS included)", LengthPercentiles.of(data.train(), p -> p.rejected().length));
            out.printf(Locale.ROOT, "padding at batch_size %d: %.1f%% of the batch positions%n",
                    run.train().batchSize(),
                    100 * PaddingEstimate.of(data.train(), run.train().batchSize(), run.train().groupByLength(),
                            run.train().seed()));
            int shown = Math.min(examples == null ? 3 : examples, data.train().size());
            for (int i = 0; i < shown; i++) {
                TokenizedPair pair = data.train().get(i);
                out.println();
                out.printf(Locale.ROOT, "example %d: %s (prompt %d tokens, chosen %d, rejected %d scored)%n", i + 1,
                        pair.id(), pair.prompt().length, pair.chosen().length, pair.rejected().length);
                out.println("  chosen:   " + render(preview.tokenizer(), pair.prompt(), pair.chosen()));
                out.println("  rejected: " + render(preview.tokenizer(), pair.prompt(), pair.rejected()));
                for (int slot = 2; slot < pair.rows(); slot++) { // D2O's samples 2..K, WRPO's source chosen
                    out.println("  row " + (slot + 1) + ":    " + render(preview.tokenizer(), pair.prompt(), pair.completion(slot)));
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void row(PrintWriter out, String name, LengthPercentiles p) {
        out.printf(Locale.ROOT, "  %-36s%5d  %5d  %5d  %5d%n", name, p.p50(), p.p90(), p.p99(), p.max());
    }

    private static String describe(Map<String, Integer> counts) {
        StringBuilder s = new StringBuilder();
        counts.forEach((reason, n) -> s.append(s.length() > 0 ? ", " : "").append(n).append(' ').append(reason));
        return s.toString();
    }

    /**
     * The row as text: prompt tokens, then the scored completion between the markers; special
     * tokens by name, control characters escaped so that one row is one line.
     */
    static String render(TextTokenizer tokenizer, int[] prompt, int[] completion) {
        return text(tokenizer, prompt) + SCORED_START + text(tokenizer, completion) + SCORED_END;
    }

    private static String text(TextTokenizer tokenizer, int[] ids) {
        StringBuilder s = new StringBuilder();
        List<Integer> run = new ArrayList<>();
        for (int id : ids) {
            String special = id == tokenizer.bosId() ? "<bos>" : id == tokenizer.eosId() ? "<eos>"
                    : id == tokenizer.padId() ? "<pad>" : null;
            if (special == null) {
                run.add(id);
                continue;
            }
            s.append(decode(tokenizer, run)).append(special);
            run.clear();
        }
        return s.append(decode(tokenizer, run)).toString();
    }

    private static String decode(TextTokenizer tokenizer, List<Integer> ids) {
        String text = tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray());
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
}
