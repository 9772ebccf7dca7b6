package org.dpo4j.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line/scatter chart written as SVG text: axes with round-number ticks, one colour per
 * series, markers, optional connecting lines, error bars (± one standard deviation) in x and y,
 * and a legend on the right. SVG rather than PNG because the result's charts are committed
 * (docs/results/): a few kB of text, diffable, drawn the same on every machine (no fonts
 * rasterised, no AWT).
 */
final class SvgChart {

    /** matplotlib's tab10, the colours readers know. */
    private static final String[] COLORS = {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };
    private static final int WIDTH = 760;
    private static final int HEIGHT = 440;
    private static final int LEFT = 70;
    private static final int TOP = 40;
    private static final int PLOT_W = 470;
    private static final int PLOT_H = 340;

    /** A point with its spread: ± xErr, ± yErr (0 for none). */
    record Point(double x, double y, double xErr, double yErr) {}

    /** A named series; {@code lines} connects its points in order. */
    record Series(String name, List<Point> points, boolean lines) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series; points with a coordinate that is not finite (no KL without a reference) are left out. */
    SvgChart add(Series s) {
        series.add(new Series(s.name(), s.points().stream()
                .filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y())).toList(), s.lines()));
        return this;
    }

    /** The chart as an SVG document. */
    String render() {
        double[] xr = range(true);
        double[] yr = range(false);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
                LEFT, TOP, PLOT_W, PLOT_H));
        for (double t : ticks(xr)) {
            double px = px(t, xr);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    px, TOP, px, TOP + PLOT_H));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, TOP + PLOT_H + 16, tick(t)));
        }
        for (double t : ticks(yr)) {
            double py = py(t, yr);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, py, LEFT + PLOT_W, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, py + 4, tick(t)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + PLOT_W / 2, TOP + PLOT_H + 36, escape(xLabel)));
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>%n",
                TOP + PLOT_H / 2, TOP + PLOT_H / 2, escape(yLabel)));
        for (int i = 0; i < series.size(); i++) {
            Series ser = series.get(i);
            String color = COLORS[i % COLORS.length];
            if (ser.lines() && ser.points().size() > 1) {
                StringBuilder pts = new StringBuilder();
                for (Point p : ser.points()) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(p.x(), xr), py(p.y(), yr)));
                }
                s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
                        pts.toString().strip(), color));
            }
            for (Point p : ser.points()) {
                double x = px(p.x(), xr);
                double y = py(p.y(), yr);
                if (p.yErr() > 0) {
                    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" opacity=\"0.6\"/>%n",
                            x, py(p.y() - p.yErr(), yr), x, py(p.y() + p.yErr(), yr), color));
                }
                if (p.xErr() > 0) {
                    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" opacity=\"0.6\"/>%n",
                            px(p.x() - p.xErr(), xr), y, px(p.x() + p.xErr(), xr), y, color));
                }
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>%n", x, y, color));
            }
            int ly = TOP + 8 + 18 * i;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>%n",
                    LEFT + PLOT_W + 16, ly, color));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + PLOT_W + 36, ly + 6,
                    escape(ser.name())));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private double px(double x, double[] r) {
        return LEFT + (x - r[0]) / (r[1] - r[0]) * PLOT_W;
    }

    private double py(double y, double[] r) {
        return TOP + PLOT_H - (y - r[0]) / (r[1] - r[0]) * PLOT_H;
    }

    /** [min, max] over every point and its error bar, padded by 5%; a unit range around a single value. */
    private double[] range(boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series ser : series) {
            for (Point p : ser.points()) {
                double v = x ? p.x() : p.y();
                double e = x ? p.xErr() : p.yErr();
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v - e);
                    hi = Math.max(hi, v + e);
                }
            }
        }
        if (!(lo <= hi)) {
            return new double[] {0, 1};
        }
        if (hi - lo < 1e-12) {
            return new double[] {lo - 0.5, hi + 0.5};
        }
        double pad = 0.05 * (hi - lo);
        return new double[] {lo - pad, hi + pad};
    }

    /** Ticks at 1, 2 or 5 × 10^k, about five of them. */
    static List<Double> ticks(double[] r) {
        double raw = (r[1] - r[0]) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(r[0] / step) * step; t <= r[1] + 1e-9 * step; t += step) {
            out.add(Math.abs(t) < 1e-9 * step ? 0.0 : t);
        }
        return out;
    }

    private static String tick(double t) {
        return String.format(Locale.ROOT, "%.4g", t).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
