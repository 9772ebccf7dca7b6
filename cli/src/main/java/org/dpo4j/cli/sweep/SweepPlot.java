package org.dpo4j.cli.sweep;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.dpo4j.cli.rundir.MetricsSeries;
import org.dpo4j.cli.rundir.RunPlots;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.metrics.MetricNames;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A sweep's {@code comparison.png}: two charts, one above the other, of the held-out reward
 * accuracy ({@code eval/rewards/accuracies}) and reward margin ({@code eval/rewards/margins})
 * against the step, one line per run (the legend names the runs). Runs without an evaluation yet
 * are left out. Drawn headless with XChart, written through a temporary name and a rename.
 */
public final class SweepPlot {

    static {
        RunPlots.useHeadlessAwt();
    }

    static final String FILE = "comparison.png";
    static final int WIDTH = 1000;
    static final int HEIGHT = 450;

    static final List<String> METRICS = List.of(
            MetricNames.EVAL_PREFIX + MetricNames.REWARDS_ACCURACIES,
            MetricNames.EVAL_PREFIX + MetricNames.REWARDS_MARGINS);
    private static final List<String> TITLES = List.of(
            "Held-out reward accuracy", "Held-out reward margin (chosen - rejected)");
    private static final List<String> Y_LABELS = List.of("eval/rewards/accuracies", "eval/rewards/margins");

    /** A run's line in one chart: its steps and values, ascending by step. */
    record Line(String run, double[] steps, double[] values) {}

    private SweepPlot() {}

    /**
     * Draws {@code sweepDir/comparison.png} from the runs' metrics.
     *
     * @param runs run name to run directory, in sweep order
     * @return the file, or null when no run has an evaluation yet (no file is written)
     */
    static Path write(Path sweepDir, Map<String, Path> runs) throws IOException {
        List<List<Line>> charts = new ArrayList<>();
        for (String metric : METRICS) {
            charts.add(lines(runs, metric));
        }
        if (charts.stream().anyMatch(List::isEmpty)) { // both come from the same evaluation records
            return null;
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT * charts.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(draw(TITLES.get(i), Y_LABELS.get(i), charts.get(i))),
                        0, i * HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        Path target = sweepDir.resolve(FILE);
        AtomicFiles.write(target, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JRE");
            }
        });
        return target;
    }

    /** Each run's points of {@code metric} (a step logged twice keeps its last value; non-finite values left out). */
    static List<Line> lines(Map<String, Path> runs, String metric) {
        List<Line> lines = new ArrayList<>();
        for (Map.Entry<String, Path> run : runs.entrySet()) {
            Path file = run.getValue().resolve(MetricsSeries.METRICS_FILE);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            List<MetricsRecord> records;
            try {
                records = MetricsSeries.records(file);
            } catch (UserInputException | UncheckedIOException e) {
                continue; // a damaged file shows as a missing line, the summary says more
            }
            TreeMap<Integer, Double> points = new TreeMap<>();
            for (MetricsRecord r : records) {
                Double v = r.values().get(metric);
                if (v != null && Double.isFinite(v)) {
                    points.put(r.step(), v);
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            double[] steps = points.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] values = points.values().stream().mapToDouble(Double::doubleValue).toArray();
            lines.add(new Line(run.getKey(), steps, values));
        }
        return lines;
    }

    static XYChart draw(String title, String yLabel, List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle("step").yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        for (Line line : lines) {
            XYSeries s = chart.addSeries(line.run(), line.steps(), line.values());
            s.setMarker(SeriesMarkers.CIRCLE); // evaluations are sparse: every point shows
        }
        return chart;
    }
}
