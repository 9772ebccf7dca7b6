package org.dpo4j.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.RunPlan;
import org.junit.jupiter.api.Test;

public class ProgressViewTest {

    private long now;
    private final StringWriter buffer = new StringWriter();

    private ProgressView view(boolean live) {
        return new ProgressView(new PrintWriter(buffer), live, () -> now);
    }

    private static MetricsRecord train(int step) {
        return new MetricsRecord(step, Map.of("loss", 0.6812, "rewards/accuracies", 0.625, "rewards/margins", 0.031));
    }

    private static MetricsRecord eval(int step) {
        return new MetricsRecord(step, Map.of("eval/loss", 0.6012, "eval/rewards/accuracies", 0.75));
    }

    @Test
    void plainPrintsOneLinePerLogRecord() {
        ProgressView v = view(false);
        v.onStart(new RunPlan(200, 90, 10, 429_440, "cpu()", "llama preset tiny", null));
        for (int s = 1; s <= 10; s++) {
            now += 250_000_000L; // 4 steps/s
            v.onStep(s);
        }
        v.onLog(train(10));
        v.onEval(eval(10));
        v.close();
        assertEquals(String.join("\n",
                "training llama preset tiny for 200 steps on cpu(): 90 train pairs, 10 held-out pairs, 429,440 parameters",
                "step 10/200  loss 0.6812  acc 0.625  margin 0.031  4.0 steps/s",
                "eval at step 10/200  loss 0.6012  acc 0.750",
                ""), buffer.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void stepsPerSecondLeavesEvaluationTimeOut() {
        ProgressView v = view(false);
        v.onStart(new RunPlan(20, 90, 10, 1, "cpu()", "llama preset tiny", null));
        for (int s = 1; s <= 20; s++) {
            now += 500_000_000L; // 2 steps/s
            v.onStep(s);
            if (s == 10) {
                v.onLog(train(10));
                now += 7_000_000_000L; // a slow evaluation
                v.onEval(eval(10));
            }
        }
        v.onLog(train(20));
        assertTrue(buffer.toString().contains("step 20/20  loss 0.6812  acc 0.625  margin 0.031  2.0 steps/s"),
                buffer.toString());
    }

    @Test
    void liveStartsWithTheDeviceLineThenDrawsABarAndPrintsEvaluationsAboveIt() {
        PrintWriter out = new PrintWriter(buffer);
        LiveProgressBar bar = new LiveProgressBar(out, () -> now, () -> 121, 5);
        ProgressView v = new ProgressView(bar);
        v.onStart(new RunPlan(100, 90, 10, 1, "cpu()", "llama preset tiny", null));
        for (int s = 1; s <= 50; s++) {
            now += 500_000_000L; // 2 steps/s
            v.onStep(s, 300); // 600 tokens/s
            if (s == 40) {
                v.onLog(train(40));
            }
        }
        assertEquals(" 50/100 [###############...............]  loss 0.6812  acc 0.625  ETA 0:25  2.0 steps/s"
                + "  600 tok/s  elapsed 0:25", bar.currentLine(120));
        now += 7_000_000_000L; // a slow evaluation: the rates shown are still the training ones
        v.onEval(eval(50));
        v.close();
        String text = buffer.toString().replace(System.lineSeparator(), "\n");
        assertTrue(text.startsWith("training llama preset tiny for 100 steps on cpu(): 90 train pairs,"
                + " 10 held-out pairs, 1 parameters\n"), text);
        int eval = text.indexOf("eval at step 50/100  loss 0.6012  acc 0.750\n");
        assertTrue(eval > 0 && "\r\n".indexOf(text.charAt(eval - 1)) >= 0, "the evaluation has a line of its own: " + text);
        String lastBar = text.substring(text.lastIndexOf('\r') + 1);
        assertEquals(" 50/100 [###############...............]  loss 0.6812  acc 0.625  ETA 0:25  2.0 steps/s"
                + "  600 tok/s  elapsed 0:32\n", lastBar, "close draws the bar a last time and ends its line");
    }

    @Test
    void durations() {
        assertEquals("0:25", ProgressFormat.duration(25));
        assertEquals("2:05", ProgressFormat.duration(125));
        assertEquals("1:00:00", ProgressFormat.duration(3600));
    }
}
