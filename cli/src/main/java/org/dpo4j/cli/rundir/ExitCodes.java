package org.dpo4j.cli.rundir;

/**
 * How a command or a run ended, as the process's exit code: what every command returns, what a
 * sweep reads back from each {@code train} it starts and records in the run's marker
 * ({@link RunMarker}).
 */
public final class ExitCodes {

    /** Exit code of a successful command. */
    public static final int OK = 0;
    /** Exit code of a run that failed (a bug, the engine, the disk). */
    public static final int RUN_FAILED = 1;
    /** Exit code of a usage, config or input error: nothing was trained. */
    public static final int USER_ERROR = 2;
    /** Exit code of a run stopped by Ctrl-C or SIGTERM after writing a checkpoint (128 + SIGINT). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
