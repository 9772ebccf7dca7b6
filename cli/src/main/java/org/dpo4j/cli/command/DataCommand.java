package org.dpo4j.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dpo4j data}: holds the data subcommands. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Look at preference data as training sees it.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n")
public final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (try 'data inspect')");
    }
}
