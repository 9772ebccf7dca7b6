package org.dpo4j.cli.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code train} in this JVM with the environment's trainer: for tests, whose trainer
 * doubles cannot cross into a child JVM. Runs cannot be stopped from outside.
 */
public final class InProcessRunner implements SweepRunner {

    /** The {@code dpo4j} command line of this JVM, its output and errors going to one writer. */
    @FunctionalInterface
    public interface CommandLine {
        /** @return the command's exit code */
        int execute(PrintWriter output, String... args);
    }

    private final CommandLine cli;

    public InProcessRunner(CommandLine cli) {
        this.cli = cli;
    }

    @Override
    public int run(Task task) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "train", "--config", task.config().toString(), "--output-dir", task.runDir().toString()));
        if (task.resume()) {
            args.add("--resume");
        }
        StringWriter out = new StringWriter();
        int code;
        try (PrintWriter w = new PrintWriter(out, true)) {
            code = cli.execute(w, args.toArray(String[]::new));
        }
        try (RunLog log = new RunLog(task.runDir())) {
            log.append(out.toString());
        }
        return code;
    }

    @Override
    public void stopAll() {
        // in-process trainers take no stop signal here
    }

    @Override
    public void killAll() {
        // nothing runs outside this JVM
    }
}
