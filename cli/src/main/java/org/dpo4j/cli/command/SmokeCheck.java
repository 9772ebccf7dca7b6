package org.dpo4j.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.dpo4j.cli.progress.ProgressView;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.cli.rundir.RunDirectory;
import org.dpo4j.trainer.checkpoint.Folders;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.smoke.SmokeRun;

/**
 * {@code train --smoke}: runs {@link SmokeRun} on the resolved config and reports a verdict. The
 * smoke run's files go to {@code output.dir} when one is given (to look at afterwards), else to
 * a temporary folder deleted at the end.
 */
public final class SmokeCheck {

    private SmokeCheck() {}

    /** @return {@link ExitCodes#OK} when the smoke run passed, {@link ExitCodes#RUN_FAILED} when it did not */
    static int run(RunConfig config, CliEnvironment env, PrintWriter out, PrintWriter err) throws IOException {
        String outputDir = config.output().dir();
        Path dir = outputDir != null
                ? RunDirectory.create(outputDir, env.workDir(), env.clock()).path()
                : Files.createTempDirectory("dpo4j-smoke-");
        try {
            SmokeRun.Result result;
            try (ProgressView progress = new ProgressView(out, env.liveProgress(), System::nanoTime)) {
                result = SmokeRun.run(config, dir, progress);
            }
            out.println("smoke: " + result.model());
            out.printf(Locale.ROOT, "smoke: %d steps on the first %d training pairs (%d held out); mean loss %.4f"
                            + " over the first steps -> %.4f over the last; eval/loss %.4f%n",
                    result.summary().steps(), result.plan().trainPairs(), result.plan().evalPairs(), result.firstLoss(),
                    result.lastLoss(), result.finalEval().get("eval/loss"));
            if (!result.finite()) {
                err.println("smoke: failed: a logged or evaluated value is NaN or infinite");
                return ExitCodes.RUN_FAILED;
            }
            if (!result.passed()) {
                err.printf(Locale.ROOT, "smoke: failed: the training loss did not fall (%.4f -> %.4f)%n",
                        result.firstLoss(), result.lastLoss());
                return ExitCodes.RUN_FAILED;
            }
            out.println("smoke: passed" + (outputDir != null ? " (files in " + outputDir + ")" : ""));
            return ExitCodes.OK;
        } finally {
            if (outputDir == null) {
                Folders.deleteRecursively(dir);
            }
        }
    }
}
