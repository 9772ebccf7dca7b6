package org.dpo4j.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.cli.rundir.MetricsSeries;
import org.dpo4j.cli.rundir.RunPlots;
import org.dpo4j.trainer.common.UserInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dpo4j plot RUN_DIR}: (re)draws a run's charts from its metrics.jsonl into RUN_DIR/plots/. */
@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Draw a run's charts as PNG files in RUN_DIR/plots/, from RUN_DIR/metrics.jsonl:"
                    + " loss, reward accuracy, reward margin, chosen and rejected rewards, and KL when"
                    + " the loss logs it, each against the step, training and evaluation on the same chart.",
            "",
            "train does this at the end of every run; plot redraws them, also while a run is going"
                    + " or after it stopped."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  dpo4j plot runs/20261122-202424"})
public final class PlotCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", description = "A run directory (it holds metrics.jsonl).")
    Path runDir;

    private final CliEnvironment env;

    public PlotCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = env.workDir().resolve(runDir);
        if (!Files.isRegularFile(dir.resolve(MetricsSeries.METRICS_FILE))) {
            throw new UserInputException(runDir + ": no " + MetricsSeries.METRICS_FILE
                    + " (not a run directory, or its run has not started)");
        }
        List<Path> files = RunPlots.write(dir);
        if (files.isEmpty()) {
            throw new UserInputException(runDir + "/" + MetricsSeries.METRICS_FILE
                    + ": nothing to plot (no training or evaluation records yet)");
        }
        out.println(RunPlots.reportLine(runDir.toString(), files));
        out.flush();
        return ExitCodes.OK;
    }
}
