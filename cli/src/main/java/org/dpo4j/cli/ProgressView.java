package org.dpo4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.dpo4j.trainer.MetricsRecord;
import org.dpo4j.trainer.RunPlan;
import org.dpo4j.trainer.TrainingListener;

/**
 * Shows a run's progress. On a terminal ({@code live}) one bar line is redrawn after each step
 * with the step, loss, reward accuracy and margin of the last logged step, steps/s and the time
 * left; each evaluation is printed on its own line above it. Otherwise (a pipe, a log file) one
 * plain line per logged step:
 *
 * <pre>step 10/200  loss 0.6812  acc 0.625  margin 0.031  2.4 steps/s</pre>
 */
final class ProgressView implements TrainingListener, AutoCloseable {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 20;
    private static final int RATE_WINDOW = 20;

    private final PrintWriter out;
    private final boolean live;
    private final LongSupplier nanoTime;

    private int maxSteps;
    private int step;
    private MetricsRecord latest;
    private long startNanos = -1;
    private int lastLogStep;
    private long lastLogNanos;
    private final long[] stepNanos = new long[RATE_WINDOW];
    private final int[] stepAt = new int[RATE_WINDOW];
    private int recorded;
    private long windowNanos;
    private int windowStep;
    private long lastDrawNanos;
    private boolean drawn;
    private int barLength;

    ProgressView(PrintWriter out, boolean live, LongSupplier nanoTime) {
        this.out = out;
        this.live = live;
        this.nanoTime = nanoTime;
    }

    @Override
    public void onWarning(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    public void onStart(RunPlan plan) {
        maxSteps = plan.maxSteps();
        start();
        out.printf(Locale.ROOT, "training %s for %d steps on %s: %d train pairs, %d held-out pairs, %,d parameters%n",
                plan.model(), plan.maxSteps(), plan.device(), plan.trainPairs(), plan.evalPairs(), plan.parameterCount());
        if (plan.data() != null && plan.data().summaryLine() != null) {
            out.println(plan.data().summaryLine());
        }
        out.flush();
    }

    @Override
    public void onStep(int step) {
        start();
        long now = nanoTime.getAsLong();
        this.step = step;
        stepNanos[recorded % RATE_WINDOW] = now;
        stepAt[recorded % RATE_WINDOW] = step;
        recorded++;
        if (live && (!drawn || now - lastDrawNanos >= REDRAW_NANOS || step == maxSteps)) {
            draw(now);
        }
    }

    @Override
    public void onLog(MetricsRecord record) {
        start();
        latest = record;
        long now = nanoTime.getAsLong();
        if (live) {
            step = Math.max(step, record.step());
            draw(now);
            return;
        }
        double seconds = (now - lastLogNanos) / 1e9;
        double rate = seconds > 0 ? (record.step() - lastLogStep) / seconds : Double.NaN;
        lastLogStep = record.step();
        lastLogNanos = now;
        out.println(String.format(Locale.ROOT, "step %s  loss %s  acc %s  margin %s  %s steps/s",
                stepOf(record.step()), f4(record.get("loss")), f3(record.get("rewards/accuracies")),
                f3(record.get("rewards/margins")), f1(rate)));
        out.flush();
    }

    @Override
    public void onEval(MetricsRecord record) {
        start();
        // steps/s measures training: the time spent evaluating is left out of the next rate
        long now = nanoTime.getAsLong();
        lastLogNanos = now;
        lastLogStep = Math.max(lastLogStep, record.step());
        windowNanos = now;
        windowStep = step;
        recorded = 0;
        if (live) {
            clearBar();
        }
        out.println(evalLine(record));
        if (live && step > 0) {
            draw(now);
        }
        out.flush();
    }

    /** One line per checkpoint, e.g. {@code checkpoint at step 50/200: checkpoints/step-50}. */
    @Override
    public void onCheckpoint(int step, Path folder) {
        if (live) {
            clearBar();
        }
        out.println("checkpoint at step " + stepOf(step) + ": " + folder.getParent().getFileName() + "/" + folder.getFileName());
        if (live && this.step > 0) {
            draw(nanoTime.getAsLong());
        }
        out.flush();
    }

    /** Ends the bar line, if one is shown. */
    @Override
    public void close() {
        if (live && barLength > 0) {
            out.println();
            barLength = 0;
        }
        out.flush();
    }

    String evalLine(MetricsRecord r) {
        String line = String.format(Locale.ROOT, "eval at step %s  loss %s  acc %s",
                stepOf(r.step()), f4(r.get("eval/loss")), f3(r.get("eval/rewards/accuracies")));
        double margin = r.get("eval/rewards/margins");
        return Double.isNaN(margin) ? line : line + "  margin " + f3(margin);
    }

    private void start() {
        if (startNanos < 0) {
            startNanos = nanoTime.getAsLong();
            lastLogNanos = startNanos;
            windowNanos = startNanos;
        }
    }

    private void draw(long now) {
        lastDrawNanos = now;
        drawn = true;
        double rate = rate(now);
        StringBuilder sb = new StringBuilder();
        if (maxSteps > 0) {
            int filled = (int) Math.min(BAR_WIDTH, (long) step * BAR_WIDTH / maxSteps);
            sb.append(String.format(Locale.ROOT, "%" + digits(maxSteps) + "d/%d [", step, maxSteps));
            sb.append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']');
        } else {
            sb.append("step ").append(step);
        }
        if (latest != null) {
            sb.append("  loss ").append(f4(latest.get("loss")))
                    .append("  acc ").append(f3(latest.get("rewards/accuracies")))
                    .append("  margin ").append(f3(latest.get("rewards/margins")));
        }
        sb.append("  ").append(f1(rate)).append(" steps/s");
        if (maxSteps > 0 && rate > 0 && step < maxSteps) {
            sb.append("  ETA ").append(duration((maxSteps - step) / rate));
        }
        String line = sb.toString();
        int pad = Math.max(0, barLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        barLength = line.length();
        out.flush();
    }

    private void clearBar() {
        if (barLength > 0) {
            out.print("\r" + " ".repeat(barLength) + "\r");
            barLength = 0;
        }
    }

    /** Steps per second over the last {@value #RATE_WINDOW} steps (or since the start or last eval). */
    private double rate(long now) {
        if (recorded == 0) {
            return Double.NaN;
        }
        int newest = (recorded - 1) % RATE_WINDOW;
        int oldest = recorded >= RATE_WINDOW ? recorded % RATE_WINDOW : -1;
        long fromNanos = oldest < 0 ? windowNanos : stepNanos[oldest];
        int fromStep = oldest < 0 ? windowStep : stepAt[oldest];
        double seconds = (stepNanos[newest] - fromNanos) / 1e9;
        return seconds > 0 ? (stepAt[newest] - fromStep) / seconds : Double.NaN;
    }

    private String stepOf(int s) {
        return maxSteps > 0 ? s + "/" + maxSteps : Integer.toString(s);
    }

    private static int digits(int n) {
        return Integer.toString(n).length();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String f4(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String f3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String f1(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
