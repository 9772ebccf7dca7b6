package org.dpo4j.cli.command;

import java.io.Console;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What the commands take from the outside world, so that tests can run them in-process.
 *
 * @param trainer      runs the training ({@link DpoTrainer#train} in production)
 * @param workDir      the directory relative paths and {@code runs/} resolve against
 * @param clock        names default run directories ({@code runs/yyyyMMdd-HHmmss})
 * @param liveProgress true for a live progress bar (a terminal), false for one line per log
 * @param signals      true to stop training on SIGINT/SIGTERM ({@link StopOnSignal}): only a real
 *                     process, never a test JVM, should take over its signals
 */
public record CliEnvironment(Trainer trainer, Path workDir, Clock clock, boolean liveProgress, boolean signals) {

    /** An environment that leaves the process's signals alone. */
    public CliEnvironment(Trainer trainer, Path workDir, Clock clock, boolean liveProgress) {
        this(trainer, workDir, clock, liveProgress, false);
    }

    public static CliEnvironment system() {
        return new CliEnvironment(
                Trainer.DJL,
                Path.of("").toAbsolutePath(),
                Clock.systemDefaultZone(),
                isTerminal(System.console()),
                true);
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
