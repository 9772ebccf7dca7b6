package org.dpo4j.trainer.common;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;

/**
 * One line for a failed file operation: the path and the cause, as {@code PATH: permission
 * denied} or {@code No space left on device}. Java's exceptions carry these apart (a
 * {@code FileSystemException}'s message is often the bare path, its reason null), so printing
 * one as it is would say either where or why, not both.
 */
public final class IoErrors {

    private IoErrors() {}

    /** {@code PATH: cause} for a file system exception, else its message (or its kind). */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String where = f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
            return oneLine(where + ": " + (f.getReason() != null ? f.getReason() : kind(f)));
        }
        return oneLine(e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : kind(e));
    }

    /** {@link #describe} of {@code cause} when it is an I/O failure, else its message. */
    public static String describe(Throwable cause) {
        if (cause instanceof IOException io) {
            return describe(io);
        }
        if (cause instanceof ReadOnlyFileSystemException) {
            return "read-only file system";
        }
        return cause == null ? "" : oneLine(String.valueOf(cause.getMessage()));
    }

    private static String kind(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        return e.getClass().getSimpleName();
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
