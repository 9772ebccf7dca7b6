package org.dpo4j.cli.progress;

import static org.dpo4j.cli.progress.ProgressFormat.f1;
import static org.dpo4j.cli.progress.ProgressFormat.f3;
import static org.dpo4j.cli.progress.ProgressFormat.f4;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.RunPlan;

/**
 * Progress as plain lines, for pipes, log files and CI: one line per logged step and one per
 * evaluation. steps/s is measured since the previous line, leaving evaluation time out:
 *
 * <pre>step 10/200  loss 0.6812  acc 0.625  margin 0.031  2.4 steps/s</pre>
 */
public final class PlainProgress implements ProgressOutput {

    private final PrintWriter out;
    private final LongSupplier nanoTime;
    private int maxSteps;
    private boolean started;
    private int lastLogStep;
    private long lastLogNanos;

    PlainProgress(PrintWriter out, LongSupplier nanoTime) {
        this.out = out;
        this.nanoTime = nanoTime;
    }

    @Override
    public void println(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    public void onStart(RunPlan plan) {
        maxSteps = plan.maxSteps();
        start();
    }

    @Override
    public void onStep(int step, long tokens) {
        start();
    }

    @Override
    public void onLog(MetricsRecord record) {
        start();
        long now = nanoTime.getAsLong();
        double seconds = (now - lastLogNanos) / 1e9;
        double rate = seconds > 0 ? (record.step() - lastLogStep) / seconds : Double.NaN;
        lastLogStep = record.step();
        lastLogNanos = now;
        println(String.format(Locale.ROOT, "step %s  loss %s  acc %s  margin %s  %s steps/s",
                ProgressFormat.stepOf(record.step(), maxSteps), f4(record.get("loss")),
                f3(record.get("rewards/accuracies")), f3(record.get("rewards/margins")), f1(rate)));
    }

    @Override
    public void onEval(MetricsRecord record) {
        start();
        // steps/s measures training: the time spent evaluating is left out of the next rate
        lastLogNanos = nanoTime.getAsLong();
        lastLogStep = Math.max(lastLogStep, record.step());
        println(ProgressFormat.evalLine(record, maxSteps));
    }

    @Override
    public void close() {
        out.flush();
    }

    private void start() {
        if (!started) {
            started = true;
            lastLogNanos = nanoTime.getAsLong();
        }
    }
}
