package org.dpo4j.cli.rundir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data-extraction half of the plots: which series each chart gets from metrics.jsonl. */
public class MetricsSeriesTest {

    @TempDir Path dir;

    /** A metrics.jsonl as a run writes it: the data record, 5 training records, 2 evaluations. */
    public static String metrics(boolean withKl) {
        StringBuilder sb = new StringBuilder(
                "{\"step\":0,\"data/train_pairs\":90.0,\"data/eval_pairs\":10.0,\"data/skipped/empty\":0.0}\n");
        for (int step = 10; step <= 50; step += 10) {
            sb.append("{\"step\":").append(step).append(",\"loss\":").append(0.7 - step / 100.0)
                    .append(",\"grad_norm\":1.5,\"learning_rate\":0.001,\"num_tokens\":").append(step * 300.0)
                    .append(",\"rewards/chosen\":").append(step / 100.0)
                    .append(",\"rewards/rejected\":").append(-step / 100.0)
                    .append(",\"rewards/accuracies\":0.75,\"rewards/margins\":").append(step / 50.0);
            if (withKl) {
                sb.append(",\"kl/chosen\":0.01,\"kl/rejected\":0.02");
            }
            sb.append("}\n");
            if (step == 20 || step == 50) {
                sb.append("{\"step\":").append(step).append(",\"eval/loss\":0.6,\"eval/rewards/chosen\":0.1")
                        .append(",\"eval/rewards/rejected\":-0.1,\"eval/rewards/accuracies\":0.8")
                        .append(",\"eval/rewards/margins\":0.2");
                if (withKl) {
                    sb.append(",\"eval/kl/chosen\":0.01,\"eval/kl/rejected\":0.02");
                }
                sb.append("}\n");
            }
        }
        return sb.toString();
    }

    private List<MetricsSeries.Chart> read(String content) throws IOException {
        return MetricsSeries.read(TestSupport.write(dir, "metrics.jsonl", content));
    }

    /** chart file -> series name -> number of points. */
    private static Map<String, Map<String, Integer>> counts(List<MetricsSeries.Chart> charts) {
        return charts.stream().collect(Collectors.toMap(c -> c.spec().file(), c -> c.series().stream()
                .collect(Collectors.toMap(MetricsSeries.Series::metric, MetricsSeries.Series::size))));
    }

    @Test
    void eachChartGetsItsTrainingAndEvaluationSeriesAndTheDataRecordIsLeftOut() throws IOException {
        List<MetricsSeries.Chart> charts = read(metrics(false));
        assertEquals(List.of("loss.png", "accuracy.png", "margins.png", "rewards.png"),
                charts.stream().map(c -> c.spec().file()).toList(), "no KL chart without kl/ metrics");
        assertEquals(Map.of(
                "loss.png", Map.of("loss", 5, "eval/loss", 2),
                "accuracy.png", Map.of("rewards/accuracies", 5, "eval/rewards/accuracies", 2),
                "margins.png", Map.of("rewards/margins", 5, "eval/rewards/margins", 2),
                "rewards.png", Map.of("rewards/chosen", 5, "rewards/rejected", 5,
                        "eval/rewards/chosen", 2, "eval/rewards/rejected", 2)), counts(charts));
        MetricsSeries.Series loss = charts.get(0).series().get(0);
        assertEquals("loss", loss.metric());
        assertArrayEquals(new double[] {10, 20, 30, 40, 50}, loss.steps(), "step 0 (the data record) is not a point");
        assertArrayEquals(new double[] {0.6, 0.5, 0.4, 0.3, 0.2}, loss.values(), 1e-12);
        MetricsSeries.Series evalLoss = charts.get(0).series().get(1);
        assertTrue(evalLoss.eval());
        assertArrayEquals(new double[] {20, 50}, evalLoss.steps());
        assertEquals(List.of("rewards/chosen", "rewards/rejected", "eval/rewards/chosen", "eval/rewards/rejected"),
                charts.get(3).series().stream().map(MetricsSeries.Series::metric).toList(), "training first");
    }

    @Test
    void klIsChartedWhenTheLossLogsIt() throws IOException {
        List<MetricsSeries.Chart> charts = read(metrics(true));
        assertEquals("kl.png", charts.get(charts.size() - 1).spec().file());
        assertEquals(Map.of("kl/chosen", 5, "kl/rejected", 5, "eval/kl/chosen", 2, "eval/kl/rejected", 2),
                counts(charts).get("kl.png"));
    }

    @Test
    void evaluationRecordsAloneStillMakeCharts() throws IOException {
        String evalOnly = metrics(false).lines().filter(l -> l.contains("eval/") || l.contains("data/"))
                .collect(Collectors.joining("\n"));
        Map<String, Map<String, Integer>> counts = counts(read(evalOnly));
        assertEquals(Map.of("eval/loss", 2), counts.get("loss.png"));
        assertEquals(4, counts.size());
    }

    @Test
    void aStepLoggedAgainKeepsItsLastValueAndNonFiniteValuesAreLeftOut() throws IOException {
        List<MetricsSeries.Chart> charts = read("""
                {"step":10,"loss":0.7}
                {"step":20,"loss":0.6}
                {"step":10,"loss":0.65}
                {"step":30,"loss":"NaN"}
                """);
        MetricsSeries.Series loss = charts.get(0).series().get(0);
        assertArrayEquals(new double[] {10, 20}, loss.steps());
        assertArrayEquals(new double[] {0.65, 0.6}, loss.values(), 1e-12);
    }

    @Test
    void aTornLastLineIsIgnoredAndABadLineBeforeItIsAnError() throws IOException {
        assertEquals(1, read("{\"step\":10,\"loss\":0.7}\n{\"step\":20,\"lo").get(0).series().get(0).size(),
                "a run stopped mid-write");
        UserInputException e = assertThrows(UserInputException.class,
                () -> read("{\"step\":10,\"loss\":0.7}\nnot json\n{\"step\":20,\"loss\":0.6}\n"));
        assertTrue(e.getMessage().endsWith("metrics.jsonl:2: not a metrics record (a JSON object with a step)"),
                e.getMessage());
    }

    @Test
    void nothingLoggedYetMeansNoCharts() throws IOException {
        assertTrue(read("{\"step\":0,\"data/train_pairs\":90.0}\n").isEmpty());
    }
}
