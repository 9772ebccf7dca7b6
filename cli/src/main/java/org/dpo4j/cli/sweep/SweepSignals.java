package org.dpo4j.cli.sweep;

import java.io.PrintWriter;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM during a sweep (see {@code cli.command.StopOnSignal} for why {@code sun.misc.Signal}).
 * The first signal starts no further run and lets the runs under way stop after their step with
 * a checkpoint: Ctrl-C on a terminal reaches the child runs directly (they share the process
 * group), so a SIGINT is not passed on, while a SIGTERM, usually sent to the sweep's process
 * alone, is passed on to each run. A second signal ends the runs and the sweep at once, with
 * exit code 128 + the signal's number.
 */
public final class SweepSignals implements AutoCloseable {

    private final Consumer<String> onFirst;
    private final Runnable onSecond;
    private final PrintWriter err;
    private InterruptHandlers installed;
    private boolean signalled;

    private SweepSignals(Consumer<String> onFirst, Runnable onSecond, PrintWriter err) {
        this.onFirst = onFirst;
        this.onSecond = onSecond;
        this.err = err;
    }

    /**
     * @param onFirst  called with the signal's name ({@code INT}, {@code TERM}) on the first signal
     * @param onSecond called before the process halts on a second signal
     */
    static SweepSignals install(Consumer<String> onFirst, Runnable onSecond, PrintWriter err) {
        SweepSignals handlers = new SweepSignals(onFirst, onSecond, err);
        handlers.installed = InterruptHandlers.install(handlers::handle);
        return handlers;
    }

    private synchronized void handle(Signal signal) {
        if (!signalled) {
            signalled = true;
            err.println();
            err.println("dpo4j sweep: SIG" + signal.getName() + ": starting no further run; the runs under way stop"
                    + " after their current step with a checkpoint (send it again to quit at once)");
            err.flush();
            onFirst.accept(signal.getName());
            return;
        }
        err.println("dpo4j sweep: SIG" + signal.getName() + " again: ending the runs now, without a checkpoint");
        err.flush();
        onSecond.run();
        Runtime.getRuntime().halt(128 + signal.getNumber());
    }

    @Override
    public void close() {
        installed.close();
    }
}
