package org.dpo4j.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.RunPlan;
import org.junit.jupiter.api.Test;

public class LiveProgressBarTest {

    private static final MetricsRecord LATEST =
            new MetricsRecord(40, Map.of("loss", 0.6812, "rewards/accuracies", 0.625));

    @Test
    void theBarTakesTheRoomTheFieldsLeave() {
        assertEquals("  7/200 [#.............................]  loss 0.6812  acc 0.625  ETA 1:04:20  0.1 steps/s"
                        + "  12,346 tok/s",
                LiveProgressBar.line(7, 200, LATEST, 0.05, 12_345.6, Double.NaN, 200), "at most 30 wide");
        String done = LiveProgressBar.line(200, 200, LATEST, 3.0, 900, 3725, 96);
        assertEquals("200/200 [#####################]  loss 0.6812  acc 0.625  3.0 steps/s  900 tok/s  elapsed 1:02:05",
                done, "no ETA once done");
        assertEquals(96, done.length(), "the bar fills the width");
    }

    @Test
    void aNarrowTerminalCutsTheLineAndKeepsTenColumnsOfBar() {
        String line = LiveProgressBar.line(50, 100, LATEST, 2.0, 600, 75, 40);
        assertEquals(" 50/100 [#####.....]  loss 0.6812  acc 0", line);
        assertEquals(40, line.length());
    }

    @Test
    void beforeTheFirstLogAndRateOnlyTheBar() {
        String line = LiveProgressBar.line(0, 100, null, Double.NaN, Double.NaN, Double.NaN, 60);
        assertEquals("  0/100 [..............................]", line);
        assertTrue(LiveProgressBar.line(1, 100, null, 2.0, Double.NaN, 0.5, 60).endsWith("ETA 0:50  2.0 steps/s  elapsed 0:01"));
    }

    @Test
    void closingRightAfterTheStartStillEndsTheBarLine() {
        for (int i = 0; i < 20; i++) {
            StringWriter buffer = new StringWriter();
            LiveProgressBar bar = new LiveProgressBar(new PrintWriter(buffer), () -> 0L, () -> 80, 1);
            bar.onStart(new RunPlan(10, 1, 1, 1, "cpu()", "m", null));
            bar.close();
            String out = buffer.toString();
            assertTrue(out.startsWith("\r 0/10 [") && out.endsWith(System.lineSeparator()), out);
        }
    }
}
