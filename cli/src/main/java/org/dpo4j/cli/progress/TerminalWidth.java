package org.dpo4j.cli.progress;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The width of the terminal in columns, from {@code stty size} on {@code /dev/tty}, else the
 * {@code COLUMNS} variable, else 80. Read again after a few seconds, as a terminal can be resized.
 *
 * <p>This deliberately avoids JLine's system terminal (which the progress-bar library would
 * otherwise open to learn the width): opening one resets the JVM's SIGINT and SIGQUIT handlers
 * to the operating system's defaults, so Ctrl-C would kill the process without running its
 * shutdown hooks.
 */
public final class TerminalWidth implements IntSupplier {

    static final int FALLBACK = 80;
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final LongSupplier nanoTime;
    private final IntSupplier query;
    private long checkedAt;
    private int width = -1;

    TerminalWidth(LongSupplier nanoTime, IntSupplier query) {
        this.nanoTime = nanoTime;
        this.query = query;
    }

    /** The width of the terminal this process runs in. */
    static TerminalWidth system() {
        return new TerminalWidth(System::nanoTime, TerminalWidth::query);
    }

    @Override
    public synchronized int getAsInt() {
        long now = nanoTime.getAsLong();
        if (width < 0 || now - checkedAt >= RECHECK_NANOS) {
            width = query.getAsInt();
            checkedAt = now;
        }
        return width;
    }

    private static int query() {
        int columns = stty();
        if (columns > 0) {
            return columns;
        }
        columns = parse(System.getenv("COLUMNS"));
        return columns > 0 ? columns : FALLBACK;
    }

    /** The columns {@code stty size} reports for {@code /dev/tty}, or -1. */
    private static int stty() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder("stty", "size")
                    .redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(1, TimeUnit.SECONDS)) {
                p.destroy();
                return -1;
            }
            String size = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            String[] rowsColumns = size.split("\\s+");
            return p.exitValue() == 0 && rowsColumns.length == 2 ? parse(rowsColumns[1]) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static int parse(String columns) {
        if (columns == null) {
            return -1;
        }
        try {
            int n = Integer.parseInt(columns.strip());
            return n > 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
