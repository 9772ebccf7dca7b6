package org.dpo4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code train} in this JVM with the environment's trainer: for tests, whose trainer
 * doubles cannot cross into a child JVM. Runs cannot be stopped from outside.
 */
final class InProcessRunner implements SweepRunner {

    private final CliEnvironment env;

    InProcessRunner(CliEnvironment env) {
        this.env = env;
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
            code = Cli.commandLine(env, w, w).execute(args.toArray(String[]::new));
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
