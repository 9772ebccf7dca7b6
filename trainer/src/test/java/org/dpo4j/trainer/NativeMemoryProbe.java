package org.dpo4j.trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingListener;

/**
 * Trains the tiny preset for {@code args[1]} steps in run directory {@code args[0]} and prints,
 * per step, {@code step rss_kb live_arrays}. Run in its own JVM with a pre-touched heap
 * ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}), so that resident memory growth is native
 * growth and not the JVM touching heap pages for the first time.
 */
public final class NativeMemoryProbe {

    private NativeMemoryProbe() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int steps = Integer.parseInt(args[1]);
        RunConfig base = TestConfigs.tiny(steps, 1e-3, 1);
        RunConfig config = new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(),
                base.schedule(), new TrainConfig(8, 1, steps, null, true, 42L, "cpu", 100), base.eval(), base.output());
        try (DpoTrainer trainer = DpoTrainer.create(config, dir, line -> {})) {
            trainer.run(new TrainingListener() {
                @Override
                public void onStep(int step) {
                    System.out.println(step + " " + residentKb() + " " + trainer.liveArrays());
                }
            });
        }
    }

    static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
