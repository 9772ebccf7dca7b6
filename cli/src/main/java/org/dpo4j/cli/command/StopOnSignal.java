package org.dpo4j.cli.command;

import java.io.PrintWriter;
import org.dpo4j.cli.sweep.InterruptHandlers;
import org.dpo4j.trainer.run.StopSignal;
import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM during training: the first signal raises the run's {@link StopSignal}, so
 * that the loop stops after the optimizer step under way and writes a checkpoint (the command
 * then exits with {@link org.dpo4j.cli.rundir.ExitCodes#INTERRUPTED}); a second one ends the process at once with 128 + the
 * signal's number, without a checkpoint (a checkpoint half written then stays under a hidden
 * {@code .step-N.partial} name, which the next run removes).
 *
 * <p><b>Why {@code sun.misc.Signal}</b> (module {@code jdk.unsupported}, exported and supported
 * in practice on every JDK since 9) rather than a shutdown hook: a hook runs once the JVM has
 * already decided to exit; it can delay the exit to let the loop finish its step, but it cannot
 * choose the exit code, cannot let the command print its message through the normal path, and
 * cannot tell a first signal from a second. A signal handler leaves the JVM running, so the loop
 * stops at a safe point and the command returns normally. The handlers are installed only while
 * {@code train} runs, and the previous ones are put back afterwards. javac warns that
 * {@code sun.misc.Signal} is internal API; that warning is expected.
 */
public final class StopOnSignal implements AutoCloseable {

    private final StopSignal stop;
    private final PrintWriter err;
    private InterruptHandlers installed;

    private StopOnSignal(StopSignal stop, PrintWriter err) {
        this.stop = stop;
        this.err = err;
    }

    /**
     * Installs the handlers for SIGINT and SIGTERM. A signal the JVM does not let us handle (e.g.
     * under {@code -Xrs}) keeps its default behaviour.
     *
     * @param stop raised by the first signal
     * @param err  where the handlers say what they do
     */
    static StopOnSignal install(StopSignal stop, PrintWriter err) {
        StopOnSignal handlers = new StopOnSignal(stop, err);
        handlers.installed = InterruptHandlers.install(handlers::handle);
        return handlers;
    }

    private void handle(Signal signal) {
        if (stop.request()) {
            err.println();
            err.println("dpo4j: SIG" + signal.getName() + ": stopping after the current step and saving a checkpoint"
                    + " (send it again to quit at once, without one)");
            err.flush();
            return;
        }
        err.println("dpo4j: SIG" + signal.getName() + " again: quitting now, without a checkpoint");
        err.flush();
        Runtime.getRuntime().halt(128 + signal.getNumber());
    }

    /** Puts the previous handlers back. */
    @Override
    public void close() {
        installed.close();
    }
}
