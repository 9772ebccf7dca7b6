package org.dpo4j.cli.rundir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;

/**
 * The last logged training and evaluation metrics of a run, from its {@code metrics.jsonl}: the
 * last record that has {@code loss} gives {@link #TRAIN}, the last that has {@code eval/loss}
 * gives {@link #EVAL} (the final evaluation, for a finished run).
 *
 * @param step   the step of the last training record, or null
 * @param values metric name to value; a metric never logged is absent
 */
public record FinalMetrics(Integer step, Map<String, Double> values) {

    public static final List<String> TRAIN = List.of(
            MetricNames.LOSS, MetricNames.REWARDS_ACCURACIES, MetricNames.REWARDS_MARGINS);
    public static final List<String> EVAL = TRAIN.stream().map(m -> MetricNames.EVAL_PREFIX + m).toList();

    static final FinalMetrics NONE = new FinalMetrics(null, Map.of());

    /** The run's final metrics; {@link #NONE} when it has no readable metrics.jsonl. */
    public static FinalMetrics read(Path runDir) {
        Path file = runDir.resolve(MetricsSeries.METRICS_FILE);
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        List<MetricsRecord> records;
        try {
            records = MetricsSeries.records(file);
        } catch (UserInputException | java.io.UncheckedIOException e) {
            return NONE;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        Integer step = null;
        MetricsRecord train = last(records, MetricNames.LOSS);
        if (train != null) {
            step = train.step();
            TRAIN.forEach(m -> put(values, m, train));
        }
        MetricsRecord eval = last(records, MetricNames.EVAL_PREFIX + MetricNames.LOSS);
        if (eval != null) {
            EVAL.forEach(m -> put(values, m, eval));
        }
        return new FinalMetrics(step, Map.copyOf(values));
    }

    public Double get(String metric) {
        return values.get(metric);
    }

    private static MetricsRecord last(List<MetricsRecord> records, String metric) {
        for (int i = records.size() - 1; i >= 0; i--) {
            if (records.get(i).values().containsKey(metric)) {
                return records.get(i);
            }
        }
        return null;
    }

    private static void put(Map<String, Double> values, String metric, MetricsRecord record) {
        Double v = record.values().get(metric);
        if (v != null) {
            values.put(metric, v);
        }
    }
}
