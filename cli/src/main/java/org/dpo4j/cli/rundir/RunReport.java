package org.dpo4j.cli.rundir;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import org.dpo4j.trainer.lora.PeftAdapterFolder;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.TrainingSummary;

/** Prints the end of a run: the final held-out evaluation, where the model and plots are, and the run directory. */
public final class RunReport {

    private RunReport() {}

    /**
     * @param plots the plots line ({@link RunPlots#afterTraining}), or null for none
     */
    public static void print(PrintWriter out, TrainingSummary summary, RunDirectory dir, String plots) {
        out.println();
        out.printf(Locale.ROOT, "trained %d steps in %.1f s%n", summary.steps(), summary.trainSeconds());
        if (summary.skippedSteps() > 0) {
            out.printf(Locale.ROOT, "skipped %d step(s) with a non-finite loss or gradient norm (train.nan_policy: skip_step)%n",
                    summary.skippedSteps());
        }
        MetricsRecord eval = summary.finalEval();
        if (eval == null || eval.values().isEmpty()) {
            out.println("no final evaluation (no held-out pairs)");
        } else {
            out.printf(Locale.ROOT, "final evaluation on held-out pairs (step %d):%n", eval.step());
            int width = eval.values().keySet().stream().mapToInt(String::length).max().orElse(0);
            for (Map.Entry<String, Double> e : eval.values().entrySet()) {
                out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", e.getKey(), format(e.getValue()));
            }
        }
        if (summary.finalModel() != null) {
            boolean adapter = PeftAdapterFolder.isAdapterFolder(summary.finalModel());
            out.println((adapter ? "trained LoRA adapter (a PEFT adapter folder): " : "trained model (a Hugging Face folder): ")
                    + dir.display() + "/" + dir.path().relativize(summary.finalModel()));
        }
        if (plots != null) {
            out.println(plots);
        }
        out.println("run directory: " + dir.display());
        out.flush();
    }

    public static String format(Double v) {
        if (v == null || v.isNaN()) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1e5 && v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.4e", v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
