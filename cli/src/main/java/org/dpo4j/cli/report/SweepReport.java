package org.dpo4j.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.dpo4j.cli.report.SweepScorer.Point;
import org.dpo4j.cli.report.SweepScorer.ScoredRun;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.reward.RewardEvaluation.Scores;

/**
 * Writes a scored sweep's {@code report.md}, {@code scores.csv} and SVG charts: per method
 * (see {@link RunGroups}) and x value ({@code loss.beta}), the mean and standard deviation over
 * seeds of the final reward, sequence KL, entropy and distinct-n; reward against KL (one curve per
 * method across x, the frontier the TDPO paper draws), reward against entropy and against word
 * distinct-2 (the f-DPO paper's trade-off), and the KL and reward over training steps.
 */
final class SweepReport {

    static final String REPORT = "report.md";
    static final String CSV = "scores.csv";
    static final List<String> PLOTS = List.of("reward_vs_kl.svg", "reward_vs_entropy.svg", "reward_vs_distinct2.svg",
            "kl_over_steps.svg", "reward_over_steps.svg");

    /** A quantity of the scores, named. */
    record Metric(String title, String column, ToDoubleFunction<Scores> value) {}

    static final Metric REWARD = new Metric("reward", "reward", Scores::meanReward);
    static final Metric KL = new Metric("sequence KL to the reference (nats)", "kl",
            s -> s.meanKl() == null ? Double.NaN : s.meanKl());
    static final Metric ENTROPY = new Metric("entropy per token (nats)", "entropy", Scores::meanEntropy);
    static final Metric WORD_D1 = new Metric("distinct-1 (words)", "word_distinct_1", Scores::wordDistinct1);
    static final Metric WORD_D2 = new Metric("distinct-2 (words)", "word_distinct_2", Scores::wordDistinct2);
    static final Metric TOKEN_D2 = new Metric("distinct-2 (tokens)", "distinct_2", Scores::distinct2);
    static final Metric TOKENS = new Metric("tokens per sample", "tokens", Scores::meanTokens);
    static final List<Metric> METRICS = List.of(REWARD, KL, ENTROPY, WORD_D1, WORD_D2, TOKEN_D2, TOKENS);

    /** Mean and population standard deviation over n values (NaN values skipped). */
    record Stat(double mean, double sd, int n) {
        static Stat of(double[] values) {
            double sum = 0;
            int n = 0;
            for (double v : values) {
                if (Double.isFinite(v)) {
                    sum += v;
                    n++;
                }
            }
            if (n == 0) {
                return new Stat(Double.NaN, Double.NaN, 0);
            }
            double mean = sum / n;
            double var = 0;
            for (double v : values) {
                if (Double.isFinite(v)) {
                    var += (v - mean) * (v - mean);
                }
            }
            return new Stat(mean, Math.sqrt(var / n), n);
        }

        String text() {
            return n == 0 ? "" : n == 1 ? fmt(mean) : fmt(mean) + " ± " + fmt(sd);
        }
    }

    private final List<ScoredRun> runs;
    private final List<String> labels;
    private final List<String> xs;
    private final List<String> seeds;
    private final Map<String, Map<String, List<Integer>>> groups;
    private final String xKey;
    private final String stepX;

    /**
     * @param xKey    the key swept along each curve (e.g. {@code loss.beta})
     * @param seedKey the key repeated for the spread (e.g. {@code train.seed})
     * @param stepX   the x value whose runs the over-steps charts show; null = the middle one
     */
    SweepReport(List<ScoredRun> runs, String xKey, String seedKey, String stepX) {
        this.runs = runs;
        this.xKey = xKey;
        List<JsonNode> configs = runs.stream().map(ScoredRun::config).toList();
        this.labels = RunGroups.labels(configs, Set.of(xKey, seedKey, "output.dir"));
        this.xs = configs.stream().map(c -> RunGroups.valueAt(c, xKey)).toList();
        this.seeds = configs.stream().map(c -> RunGroups.valueAt(c, seedKey)).toList();
        this.groups = RunGroups.group(labels, xs);
        TreeSet<String> allX = new TreeSet<>(RunGroups::compareValues);
        allX.addAll(xs);
        List<String> sorted = new ArrayList<>(allX);
        this.stepX = stepX != null ? stepX : sorted.get(sorted.size() / 2);
    }

    /** The methods, in first-appearance order. */
    List<String> methods() {
        return List.copyOf(groups.keySet());
    }

    /** The statistic of {@code metric} over the final points of the runs {@code indices}. */
    Stat finalStat(List<Integer> indices, Metric metric) {
        return Stat.of(indices.stream().mapToDouble(i -> metric.value().applyAsDouble(last(runs.get(i)).result().overall()))
                .toArray());
    }

    /** The statistic of {@code metric} at {@code step} over the runs {@code indices} that have it. */
    Stat stepStat(List<Integer> indices, Metric metric, int step) {
        return Stat.of(indices.stream().flatMap(i -> runs.get(i).points().stream().filter(p -> p.step() == step))
                .mapToDouble(p -> metric.value().applyAsDouble(p.result().overall())).toArray());
    }

    private static Point last(ScoredRun run) {
        return run.points().get(run.points().size() - 1);
    }

    /** Writes report.md, scores.csv and the charts into {@code dir}; returns the files written. */
    List<Path> write(Path dir, String title, String settings) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        files.add(writeText(dir.resolve(REPORT), markdown(title, settings)));
        files.add(writeText(dir.resolve(CSV), csv()));
        files.add(writeText(dir.resolve(PLOTS.get(0)), frontier(KL, "Reward against KL (one curve per method across " + xKey + ")")));
        files.add(writeText(dir.resolve(PLOTS.get(1)), frontier(ENTROPY, "Reward against entropy")));
        files.add(writeText(dir.resolve(PLOTS.get(2)), frontier(WORD_D2, "Reward against distinct-2 (words)")));
        files.add(writeText(dir.resolve(PLOTS.get(3)), overSteps(KL)));
        files.add(writeText(dir.resolve(PLOTS.get(4)), overSteps(REWARD)));
        return files;
    }

    private static Path writeText(Path file, String text) throws IOException {
        AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        return file;
    }

    String frontier(Metric x, String title) {
        SvgChart chart = new SvgChart(title, x.title(), REWARD.title() + " (mean ± sd over seeds)");
        for (var method : groups.entrySet()) {
            List<SvgChart.Point> points = new ArrayList<>();
            for (List<Integer> runsAtX : method.getValue().values()) {
                Stat sx = finalStat(runsAtX, x);
                Stat sy = finalStat(runsAtX, REWARD);
                if (sx.n() > 0 && sy.n() > 0) {
                    points.add(new SvgChart.Point(sx.mean(), sy.mean(), sx.sd(), sy.sd()));
                }
            }
            chart.add(new SvgChart.Series(method.getKey(), points, true));
        }
        return chart.render();
    }

    String overSteps(Metric y) {
        SvgChart chart = new SvgChart(capitalised(y.column()) + " over training (" + xKey + " = " + stepX + ")",
                "optimizer step", y.title() + " (mean ± sd over seeds)");
        for (var method : groups.entrySet()) {
            List<Integer> indices = method.getValue().getOrDefault(stepX, List.of());
            List<SvgChart.Point> points = new ArrayList<>();
            for (int step : steps(indices)) {
                Stat s = stepStat(indices, y, step);
                if (s.n() > 0) {
                    points.add(new SvgChart.Point(step, s.mean(), 0, s.sd()));
                }
            }
            chart.add(new SvgChart.Series(method.getKey(), points, true));
        }
        return chart.render();
    }

    private Set<Integer> steps(List<Integer> indices) {
        Set<Integer> steps = new TreeSet<>();
        indices.forEach(i -> runs.get(i).points().forEach(p -> steps.add(p.step())));
        return steps;
    }

    String markdown(String title, String settings) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(title).append("\n\n");
        s.append(runs.size()).append(" runs, ").append(groups.size()).append(" methods; scored with ").append(settings)
                .append(". Values are the mean ± standard deviation over seeds (`").append(String.join(", ",
                        new LinkedHashSet<>(seeds))).append("`). The KL is the sequence KL to each run's reference, the mean over samples of"
                        + " Σ_t log π(y_t) − log π_ref(y_t); distinct-n over words.\n\n");
        Point reference = runs.stream().flatMap(r -> r.points().stream()).filter(p -> p.step() == 0).findFirst().orElse(null);
        if (reference != null) {
            Scores r = reference.result().overall();
            s.append(String.format(Locale.ROOT, "The reference (step 0): reward %s, entropy %s, distinct-1 %s, distinct-2 %s"
                    + " (words), %s tokens per sample.%n%n", fmt(r.meanReward()), fmt(r.meanEntropy()), fmt(r.wordDistinct1()),
                    fmt(r.wordDistinct2()), fmt(r.meanTokens())));
        }
        s.append("## Final scores\n\n");
        s.append("| method | ").append(xKey).append(" | seeds | reward | KL | entropy | distinct-1 | distinct-2 | tokens |\n");
        s.append("|---|---|---|---|---|---|---|---|---|\n");
        for (var method : groups.entrySet()) {
            for (var atX : method.getValue().entrySet()) {
                List<Integer> ix = atX.getValue();
                s.append("| ").append(method.getKey()).append(" | ").append(atX.getKey()).append(" | ").append(ix.size());
                for (Metric m : List.of(REWARD, KL, ENTROPY, WORD_D1, WORD_D2, TOKENS)) {
                    s.append(" | ").append(finalStat(ix, m).text());
                }
                s.append(" |\n");
            }
        }
        for (Metric m : List.of(KL, REWARD)) {
            s.append("\n## ").append(capitalised(m.column())).append(" over training (").append(xKey).append(" = ")
                    .append(stepX).append(")\n\n");
            Set<Integer> allSteps = new TreeSet<>();
            groups.values().forEach(g -> allSteps.addAll(steps(g.getOrDefault(stepX, List.of()))));
            s.append("| method |");
            allSteps.forEach(st -> s.append(" step ").append(st).append(" |"));
            s.append("\n|---|");
            allSteps.forEach(st -> s.append("---|"));
            s.append("\n");
            for (var method : groups.entrySet()) {
                List<Integer> ix = method.getValue().getOrDefault(stepX, List.of());
                s.append("| ").append(method.getKey()).append(" |");
                allSteps.forEach(st -> s.append(' ').append(stepStat(ix, m, st).text()).append(" |"));
                s.append("\n");
            }
        }
        s.append("\n## Charts\n\n");
        for (String plot : PLOTS) {
            s.append("![").append(plot).append("](").append(plot).append(")\n\n");
        }
        s.append("Every run at every step, at full precision: [").append(CSV).append("](").append(CSV).append(").\n");
        return s.toString();
    }

    String csv() {
        StringBuilder s = new StringBuilder("run,method," + xKey + ",seed,step");
        METRICS.forEach(m -> s.append(',').append(m.column()));
        s.append('\n');
        for (int i = 0; i < runs.size(); i++) {
            for (Point p : runs.get(i).points()) {
                s.append(quote(runs.get(i).name())).append(',').append(quote(labels.get(i))).append(',').append(xs.get(i))
                        .append(',').append(seeds.get(i)).append(',').append(p.step());
                for (Metric m : METRICS) {
                    double v = m.value().applyAsDouble(p.result().overall());
                    s.append(',').append(Double.isFinite(v) ? Double.toString(v) : "");
                }
                s.append('\n');
            }
        }
        return s.toString();
    }

    private static String quote(String v) {
        return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static String capitalised(String column) {
        return column.equals("kl") ? "KL" : Character.toUpperCase(column.charAt(0)) + column.substring(1);
    }

    static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return "";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : Math.abs(v) >= 1 ? "%.3f" : "%.4f", v);
    }
}
