package org.dpo4j.cli.rundir;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;

/**
 * The data of a run's charts, taken from {@code metrics.jsonl}: for each chart, one series per
 * metric for training records and one for evaluation records ({@code eval/} names), each a list
 * of (step, value). Only the charted metrics are read, so the step-0 {@code data/...} record
 * contributes nothing; a step logged twice (a resumed run) keeps its last value; non-finite
 * values are left out. Charts and series without any point are dropped.
 */
public final class MetricsSeries {

    public static final String METRICS_FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a chart shows: its file name, title, y-axis label and the (training) metrics it plots. */
    record ChartSpec(String file, String title, String yLabel, List<String> metrics) {}

    /** The charts written, in this order; a chart appears only when its metrics were logged. */
    static final List<ChartSpec> CHARTS = List.of(
            new ChartSpec("loss.png", "Loss", "loss", List.of(MetricNames.LOSS)),
            new ChartSpec("accuracy.png", "Reward accuracy", "accuracy", List.of(MetricNames.REWARDS_ACCURACIES)),
            new ChartSpec("margins.png", "Reward margin (chosen - rejected)", "margin",
                    List.of(MetricNames.REWARDS_MARGINS)),
            new ChartSpec("rewards.png", "Chosen and rejected rewards", "reward",
                    List.of(MetricNames.REWARDS_CHOSEN, MetricNames.REWARDS_REJECTED)),
            new ChartSpec("kl.png", "KL to the reference", "KL", List.of("kl/chosen", "kl/rejected")));

    /**
     * One line of a chart.
     *
     * @param metric the metric name as in metrics.jsonl, e.g. {@code loss} or {@code eval/loss}
     * @param eval   whether these are evaluation records
     * @param steps  the steps, ascending
     * @param values the value at each step
     */
    record Series(String metric, boolean eval, double[] steps, double[] values) {
        int size() {
            return steps.length;
        }
    }

    /** A chart to draw: its spec and its non-empty series (training ones first). */
    record Chart(ChartSpec spec, List<Series> series) {}

    private MetricsSeries() {}

    /**
     * The charts of a run's {@code metrics.jsonl}.
     *
     * @throws UserInputException when a line other than the last is not a JSON object with a
     *     {@code step} (a run stopped mid-write may leave a torn last line; it is ignored)
     */
    static List<Chart> read(Path metricsFile) {
        return charts(records(metricsFile));
    }

    /** The records of {@code metrics.jsonl}, in file order. */
    public static List<MetricsRecord> records(Path metricsFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(metricsFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metricsFile, e);
        }
        List<MetricsRecord> records = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            MetricsRecord record = parse(line);
            if (record != null) {
                records.add(record);
            } else if (i < lines.size() - 1) {
                throw new UserInputException(metricsFile + ":" + (i + 1) + ": not a metrics record"
                        + " (a JSON object with a step)");
            }
        }
        return records;
    }

    /** The charts with at least one point, each with its non-empty series. */
    static List<Chart> charts(List<MetricsRecord> records) {
        List<Chart> charts = new ArrayList<>();
        for (ChartSpec spec : CHARTS) {
            List<Series> series = new ArrayList<>();
            for (boolean eval : new boolean[] {false, true}) {
                for (String metric : spec.metrics()) {
                    Series s = series(records, eval ? MetricNames.EVAL_PREFIX + metric : metric, eval);
                    if (s.size() > 0) {
                        series.add(s);
                    }
                }
            }
            if (!series.isEmpty()) {
                charts.add(new Chart(spec, List.copyOf(series)));
            }
        }
        return charts;
    }

    private static Series series(List<MetricsRecord> records, String metric, boolean eval) {
        TreeMap<Integer, Double> points = new TreeMap<>();
        for (MetricsRecord r : records) {
            Double v = r.values().get(metric);
            if (v != null && Double.isFinite(v)) {
                points.put(r.step(), v);
            }
        }
        double[] steps = new double[points.size()];
        double[] values = new double[points.size()];
        int i = 0;
        for (Map.Entry<Integer, Double> p : points.entrySet()) {
            steps[i] = p.getKey();
            values[i++] = p.getValue();
        }
        return new Series(metric, eval, steps, values);
    }

    /** The record on one line, or null when the line is not a JSON object with an integer step. */
    private static MetricsRecord parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (node == null || !node.isObject() || !node.path("step").canConvertToInt()
                || !node.path("step").isIntegralNumber()) {
            return null;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getKey().equals("step") && field.getValue().isNumber()) {
                values.put(field.getKey(), field.getValue().asDouble());
            }
        }
        return new MetricsRecord(node.get("step").asInt(), values);
    }
}
