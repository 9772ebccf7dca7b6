package org.dpo4j.cli.sweep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * One handler for SIGINT and SIGTERM while a command runs, and the previous handlers put back
 * on {@link #close}. See {@code cli.command.StopOnSignal} for why {@code sun.misc.Signal} rather than a
 * shutdown hook. A signal the JVM does not let us handle (e.g. under {@code -Xrs}) keeps its
 * default behaviour.
 */
public final class InterruptHandlers implements AutoCloseable {

    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private InterruptHandlers() {}

    public static InterruptHandlers install(SignalHandler handler) {
        InterruptHandlers handlers = new InterruptHandlers();
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                handlers.previous.put(signal, Signal.handle(signal, handler));
            } catch (IllegalArgumentException e) {
                // reserved by the VM or unknown here: the default action stays
            }
        }
        return handlers;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
