package org.dpo4j.cli;

import java.io.Console;
import java.nio.file.Path;
import java.time.Clock;
import org.dpo4j.trainer.DpoTrainer;

/**
 * What the commands take from the outside world, so that tests can run them in-process.
 *
 * @param trainer      runs the training ({@link DpoTrainer#train} in production)
 * @param workDir      the directory relative paths and {@code runs/} resolve against
 * @param clock        names default run directories ({@code runs/yyyyMMdd-HHmmss})
 * @param liveProgress true for a live progress bar (a terminal), false for one line per log
 */
record CliEnvironment(Trainer trainer, Path workDir, Clock clock, boolean liveProgress) {

    static CliEnvironment system() {
        return new CliEnvironment(
                DpoTrainer::train,
                Path.of("").toAbsolutePath(),
                Clock.systemDefaultZone(),
                isTerminal(System.console()));
    }

    /**
     * Whether the program talks to a terminal. Before Java 22 a console exists only then; from
     * Java 22 {@link System#console()} may return one for redirected streams too, and
     * {@code Console.isTerminal()} (called reflectively, as the code targets Java 17) tells.
     */
    static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
