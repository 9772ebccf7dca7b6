package org.dpo4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpo4j.cli.command.BenchCommand;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.cli.command.ConfigCommand;
import org.dpo4j.cli.command.ConfigSchemaCommand;
import org.dpo4j.cli.command.ConfigsCommand;
import org.dpo4j.cli.command.DataCommand;
import org.dpo4j.cli.command.DataInspectCommand;
import org.dpo4j.cli.command.EvalCommand;
import org.dpo4j.cli.command.GenerateCommand;
import org.dpo4j.cli.command.InitModelCommand;
import org.dpo4j.cli.command.MergeCommand;
import org.dpo4j.cli.command.PlotCommand;
import org.dpo4j.cli.command.ReportCommand;
import org.dpo4j.cli.command.SweepCommand;
import org.dpo4j.cli.command.TrainCommand;
import org.dpo4j.cli.command.Trainer;
import org.dpo4j.cli.command.ValidateCommand;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.cli.sweep.ChildProcessRunner;
import org.dpo4j.cli.sweep.InProcessRunner;
import org.dpo4j.cli.sweep.SweepRunner;
import org.dpo4j.trainer.common.IoErrors;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.run.TrainingFailedException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/** Builds the {@code dpo4j} command line and maps failures to exit codes and messages. */
public final class Cli {

    /** Exit codes and their meaning, shown in every command's help. */
    private static final Map<String, String> EXIT_CODES = exitCodes();

    private Cli() {}

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Integer.toString(ExitCodes.OK), "success");
        codes.put(Integer.toString(ExitCodes.RUN_FAILED), "the run failed (the message says why and at which step)");
        codes.put(Integer.toString(ExitCodes.USER_ERROR),
                "usage, config or input error (nothing was trained), or a file that cannot be written (the message names it)");
        codes.put(Integer.toString(ExitCodes.INTERRUPTED),
                "interrupted (Ctrl-C, SIGTERM): stopped after a step and saved a checkpoint; the message says how to resume");
        return Collections.unmodifiableMap(codes);
    }

    private static void documentExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        cl.getSubcommands().values().forEach(Cli::documentExitCodes);
    }

    static CommandLine commandLine(CliEnvironment env, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new RootCommand());
        cl.addSubcommand(new TrainCommand(env, new ConfigLoader()));
        cl.addSubcommand(new InitModelCommand(env));
        cl.addSubcommand(new MergeCommand(env));
        cl.addSubcommand(new CommandLine(new DataCommand())
                .addSubcommand(new DataInspectCommand(env, new ConfigLoader())));
        cl.addSubcommand(new PlotCommand(env));
        cl.addSubcommand(new EvalCommand(env, new ConfigLoader()));
        cl.addSubcommand(new GenerateCommand(env));
        cl.addSubcommand(new ValidateCommand(env, new ConfigLoader()));
        cl.addSubcommand(new ConfigsCommand());
        cl.addSubcommand(new CommandLine(new ConfigCommand())
                .addSubcommand(new ConfigSchemaCommand(new ConfigLoader())));
        cl.addSubcommand(new BenchCommand(env, new ConfigLoader()));
        cl.addSubcommand(new SweepCommand(env, new ConfigLoader(), () -> sweepRunner(env)));
        cl.addSubcommand(new ReportCommand(env));
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        documentExitCodes(cl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> failure(ex, cmd.getErr()));
        return cl;
    }

    /**
     * Child JVMs for the real trainer. A test double of a trainer cannot cross into another
     * process, so with one the runs go in-process.
     */
    private static SweepRunner sweepRunner(CliEnvironment env) {
        return env.trainer() == Trainer.DJL
                ? new ChildProcessRunner(env.workDir(), Main.class.getName())
                : new InProcessRunner((output, args) -> commandLine(env, output, output).execute(args));
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("usage error: " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USER_ERROR;
    }

    /**
     * The one line for a failed file operation: the message of an {@link UncheckedIOException}
     * with its cause's path and reason when the message lacks them, or a bare
     * {@link IOException}'s; null for other failures.
     */
    private static String ioFailure(Exception ex) {
        if (ex instanceof UncheckedIOException unchecked) {
            String cause = IoErrors.describe(unchecked.getCause());
            String message = unchecked.getMessage() == null ? "" : unchecked.getMessage().replaceAll("\\s*\\R\\s*", " ");
            return message.contains(cause) ? message : message + ": " + cause;
        }
        if (ex instanceof IOException io) {
            return IoErrors.describe(io);
        }
        return null;
    }

    private static int failure(Exception ex, PrintWriter err) {
        if (ex instanceof ConfigException) {
            err.println(ex.getMessage());
            err.flush();
            return ExitCodes.USER_ERROR;
        }
        if (ex instanceof UserInputException) {
            err.println("error: " + ex.getMessage());
            err.flush();
            return ExitCodes.USER_ERROR;
        }
        String io = ioFailure(ex);
        if (io != null) {
            // a read-only folder, a full disk: the user's to fix, in one line naming the file
            err.println("error: " + io);
            err.flush();
            return ExitCodes.USER_ERROR;
        }
        if (ex instanceof TrainingFailedException) {
            err.println("dpo4j: " + ex.getMessage());
            err.flush();
            return ExitCodes.RUN_FAILED;
        }
        err.println("dpo4j: run failed: " + ex);
        ex.printStackTrace(err);
        err.flush();
        return ExitCodes.RUN_FAILED;
    }
}
