package org.dpo4j.cli.rundir;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a run's charts as PNG files in {@code RUN_DIR/plots/} (XChart, headless AWT): each of
 * {@link MetricsSeries#CHARTS} against the step, training as solid lines and evaluation as
 * dashed lines with markers, one colour per metric. Each file is written to a temporary name and
 * renamed, so a reader never sees half a PNG.
 */
public final class RunPlots {

    static {
        // before any AWT class below loads: java.awt.Color's initializer already asks whether AWT is headless
        useHeadlessAwt();
    }

    static final String PLOTS_DIR = "plots";
    static final int WIDTH = 800;
    static final int HEIGHT = 500;

    /** Per metric of a chart: blue, orange (matplotlib's first two). */
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e)};
    private static final BasicStroke DASHED =
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);
    private static final BasicStroke SOLID = new BasicStroke(1.5f);

    private RunPlots() {}

    /**
     * Writes the charts of {@code runDir/metrics.jsonl} into {@code runDir/plots/}.
     *
     * @return the files written, in {@link MetricsSeries#CHARTS} order (empty when nothing was logged)
     */
    public static List<Path> write(Path runDir) throws IOException {
        return write(MetricsSeries.read(runDir.resolve(MetricsSeries.METRICS_FILE)), runDir.resolve(PLOTS_DIR));
    }

    public static List<Path> write(List<MetricsSeries.Chart> charts, Path plotsDir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (charts.isEmpty()) {
            return files;
        }
        Files.createDirectories(plotsDir);
        for (MetricsSeries.Chart chart : charts) {
            Path file = plotsDir.resolve(chart.spec().file());
            writeAtomically(draw(chart), file);
            files.add(file);
        }
        return files;
    }

    /**
     * After {@code train}: writes the plots and returns the report line, e.g.
     * {@code plots: runs/x/plots (loss.png, accuracy.png)}. Plotting never fails a finished run:
     * a failure (no fonts on a minimal JRE, a full disk) is reported in the line instead. Null
     * when the run left no metrics.jsonl.
     */
    public static String afterTraining(RunDirectory dir) {
        if (!Files.isRegularFile(dir.path().resolve(MetricsSeries.METRICS_FILE))) {
            return null;
        }
        try {
            return reportLine(dir.display(), write(dir.path()));
        } catch (IOException | RuntimeException | LinkageError | InternalError | java.awt.AWTError e) {
            return "plots: not written (" + e + "); retry with: dpo4j plot " + dir.display();
        }
    }

    /** {@code plots: DIR/plots (loss.png, accuracy.png, ...)}. */
    public static String reportLine(String runDirDisplay, List<Path> files) {
        if (files.isEmpty()) {
            return "plots: none (metrics.jsonl has no training or evaluation records yet)";
        }
        return "plots: " + runDirDisplay + "/" + PLOTS_DIR + " ("
                + files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(", ")) + ")";
    }

    /** Chart drawing needs no display: AWT runs headless unless the user chose otherwise. */
    public static void useHeadlessAwt() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static XYChart draw(MetricsSeries.Chart chart) {
        XYChart xy = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(chart.spec().title())
                .xAxisTitle("step")
                .yAxisTitle(chart.spec().yLabel())
                .build();
        xy.getStyler().setLegendPosition(LegendPosition.OutsideS);
        xy.getStyler().setLegendLayout(LegendLayout.Horizontal);
        xy.getStyler().setChartBackgroundColor(Color.WHITE);
        xy.getStyler().setPlotBackgroundColor(Color.WHITE);
        xy.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        xy.getStyler().setMarkerSize(6);
        xy.getStyler().setXAxisDecimalPattern("#,##0");
        xy.getStyler().setYAxisDecimalPattern(yPattern(chart));
        for (MetricsSeries.Series s : chart.series()) {
            XYSeries line = xy.addSeries(s.metric(), s.steps(), s.values());
            Color color = COLORS[chart.spec().metrics().indexOf(baseName(s)) % COLORS.length];
            line.setLineColor(color);
            line.setMarkerColor(color);
            line.setLineStyle(s.eval() ? DASHED : SOLID);
            // a lone point needs a marker to be seen
            line.setMarker(s.eval() || s.size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        return xy;
    }

    /** Plain decimals with a leading zero; scientific notation when the values span less than 0.01. */
    static String yPattern(MetricsSeries.Chart chart) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (MetricsSeries.Series s : chart.series()) {
            for (double v : s.values()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double span = Math.max(max - min, Math.max(Math.abs(min), Math.abs(max)));
        return span > 0 && span < 0.01 ? "0.##E0" : "#,##0.###";
    }

    private static String baseName(MetricsSeries.Series s) {
        return s.eval() ? s.metric().substring("eval/".length()) : s.metric();
    }

    private static void writeAtomically(XYChart chart, Path target) throws IOException {
        AtomicFiles.write(target, out -> BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG));
    }
}
