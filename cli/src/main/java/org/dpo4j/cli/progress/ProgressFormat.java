package org.dpo4j.cli.progress;

import java.util.Locale;
import org.dpo4j.trainer.metrics.MetricsRecord;

/** Number, step and duration formats shared by the progress outputs. */
public final class ProgressFormat {

    private ProgressFormat() {}

    /** {@code eval at step 50/200  loss 0.6827  acc 0.680  margin 0.493} (the margin when logged). */
    static String evalLine(MetricsRecord r, int maxSteps) {
        String line = String.format(Locale.ROOT, "eval at step %s  loss %s  acc %s",
                stepOf(r.step(), maxSteps), f4(r.get("eval/loss")), f3(r.get("eval/rewards/accuracies")));
        double margin = r.get("eval/rewards/margins");
        return Double.isNaN(margin) ? line : line + "  margin " + f3(margin);
    }

    /** {@code 10/200}, or {@code 10} when the number of steps is not known. */
    static String stepOf(int step, int maxSteps) {
        return maxSteps > 0 ? step + "/" + maxSteps : Integer.toString(step);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String f4(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String f3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String f1(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
