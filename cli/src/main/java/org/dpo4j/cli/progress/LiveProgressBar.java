package org.dpo4j.cli.progress;

import static org.dpo4j.cli.progress.ProgressFormat.f1;
import static org.dpo4j.cli.progress.ProgressFormat.f3;
import static org.dpo4j.cli.progress.ProgressFormat.f4;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.RunPlan;

/**
 * Progress on a terminal: one bar line, redrawn in place several times a second by the
 * progress-bar library's thread, with the latest logged loss and reward accuracy, the time
 * left, steps/s and tokens/s (both over the last {@value #RATE_WINDOW} steps, evaluation time
 * left out) and the time since the start. Evaluations and other lines are printed above the bar:
 *
 * <pre> 50/200 [#######.......................]  loss 0.6510  acc 0.625  ETA 0:36  4.1 steps/s  9,870 tok/s  elapsed 0:12</pre>
 */
public final class LiveProgressBar implements ProgressOutput {

    static final int REFRESH_MILLIS = 250;
    static final int RATE_WINDOW = 20;
    private static final int MIN_BAR = 10;
    private static final int MAX_BAR = 30;

    private final PrintWriter out;
    private final LongSupplier nanoTime;
    private final IntSupplier width;
    private final int refreshMillis;
    /** Guards the state below and every write to {@code out}: the library draws from its own thread. */
    private final Object lock = new Object();
    private final StepRates rates = new StepRates(RATE_WINDOW);
    private int maxSteps;
    private int step;
    private MetricsRecord latest;
    private long startNanos;
    private String shown = "";
    private final Screen screen = new Screen();
    private ProgressBar bar;

    /**
     * @param out           where the bar and the lines go
     * @param nanoTime      the clock the rates are measured with
     * @param width         the terminal's width in columns
     * @param refreshMillis how often the bar is redrawn
     */
    LiveProgressBar(PrintWriter out, LongSupplier nanoTime, IntSupplier width, int refreshMillis) {
        this.out = out;
        this.nanoTime = nanoTime;
        this.width = width;
        this.refreshMillis = refreshMillis;
    }

    @Override
    public void println(String line) {
        synchronized (lock) {
            if (!shown.isEmpty()) {
                out.print("\r" + " ".repeat(shown.length()) + "\r");
                shown = "";
            }
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void onStart(RunPlan plan) {
        synchronized (lock) {
            maxSteps = plan.maxSteps();
            startNanos = nanoTime.getAsLong();
            rates.restart(startNanos, 0);
        }
        bar = new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(plan.maxSteps())
                .setUpdateIntervalMillis(refreshMillis)
                .continuousUpdate()
                .setRenderer((state, maxLength) -> currentLine(maxLength))
                .setConsumer(screen)
                .build();
    }

    @Override
    public void onStep(int step, long tokens) {
        synchronized (lock) {
            this.step = step;
            rates.add(step, tokens, nanoTime.getAsLong());
        }
        if (bar != null) {
            bar.stepTo(step);
        }
    }

    @Override
    public void onLog(MetricsRecord record) {
        synchronized (lock) {
            latest = record;
            step = Math.max(step, record.step());
        }
    }

    @Override
    public void onEval(MetricsRecord record) {
        String line;
        synchronized (lock) {
            // the rates measure training: the time spent evaluating is left out
            rates.restart(nanoTime.getAsLong(), step);
            line = ProgressFormat.evalLine(record, maxSteps);
        }
        println(line);
    }

    /** Draws the bar a last time and ends its line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close(); // waits for the library's last redraw and its Screen.close
            bar = null;
        }
        screen.close(); // again, in case the bar was closed before its first drawing: then the library skips it
    }

    /** The bar line as it stands, at most {@code maxLength} characters. */
    String currentLine(int maxLength) {
        synchronized (lock) {
            double elapsed = (nanoTime.getAsLong() - startNanos) / 1e9;
            return line(step, maxSteps, latest, rates.stepsPerSecond(), rates.tokensPerSecond(), elapsed, maxLength);
        }
    }

    /**
     * One bar line: the step counter, a bar of 10 to 30 characters (as wide as the terminal
     * leaves room for), then the latest loss and accuracy, the time left, steps/s, tokens/s and
     * the time since the start; what does not fit in {@code width} is cut off, from the right.
     * NaN values are left out.
     */
    static String line(int step, int maxSteps, MetricsRecord latest, double stepsPerSecond,
            double tokensPerSecond, double elapsedSeconds, int width) {
        int digits = Integer.toString(maxSteps).length();
        String counter = String.format(Locale.ROOT, "%" + digits + "d/%d", step, maxSteps);
        List<String> fields = new ArrayList<>();
        if (latest != null) {
            fields.add("loss " + f4(latest.get("loss")));
            fields.add("acc " + f3(latest.get("rewards/accuracies")));
        }
        if (step < maxSteps && stepsPerSecond > 0) {
            fields.add("ETA " + ProgressFormat.duration((maxSteps - step) / stepsPerSecond));
        }
        if (Double.isFinite(stepsPerSecond)) {
            fields.add(f1(stepsPerSecond) + " steps/s");
        }
        if (Double.isFinite(tokensPerSecond)) {
            fields.add(String.format(Locale.ROOT, "%,.0f tok/s", tokensPerSecond));
        }
        if (elapsedSeconds >= 0) {
            fields.add("elapsed " + ProgressFormat.duration(elapsedSeconds));
        }
        String tail = fields.isEmpty() ? "" : "  " + String.join("  ", fields);
        int barWidth = Math.max(MIN_BAR, Math.min(MAX_BAR, width - counter.length() - 3 - tail.length()));
        int filled = maxSteps > 0 ? (int) Math.min(barWidth, (long) step * barWidth / maxSteps) : 0;
        String line = counter + " [" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "]" + tail;
        return line.length() > width ? line.substring(0, Math.max(0, width)) : line;
    }

    /** Where the library sends each drawing of the bar: {@code out}, redrawn in place with a carriage return. */
    private final class Screen implements ProgressBarConsumer {

        @Override
        public int getMaxRenderedLength() {
            // one column spare: a line as wide as the terminal wraps on some terminals
            return Math.max(MIN_BAR + 10, width.getAsInt() - 1);
        }

        @Override
        public void accept(String rendered) {
            synchronized (lock) {
                if (rendered.equals(shown)) {
                    return; // unchanged: nothing to redraw
                }
                int pad = Math.max(0, shown.length() - rendered.length());
                out.print("\r" + rendered + " ".repeat(pad));
                shown = rendered;
                out.flush();
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (!shown.isEmpty()) {
                    out.println();
                    shown = "";
                }
                out.flush();
            }
        }
    }
}
