package org.dpo4j.trainer.data.source;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dpo4j.trainer.common.UserInputException;

/** The file-level checks and messages the record readers share, so all formats word them alike. */
final class SourceFiles {

    private SourceFiles() {}

    /**
     * Fails unless {@code file} is a regular file this process may read.
     *
     * @return its size in bytes
     */
    static long requireReadable(Path file) {
        if (!Files.exists(file)) {
            throw new UserInputException(file + ": no such data file");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + ": not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new UserInputException(file + ": cannot be read (permission denied)");
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    static UserInputException cannotRead(Path file, IOException e) {
        // AccessDeniedException's message is only the path, which the line already starts with.
        String why = e instanceof AccessDeniedException ? "permission denied"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new UserInputException(oneLine(file + ": cannot be read (" + why + ")"), e);
    }

    static UserInputException empty(Path file) {
        return new UserInputException(file + ": no records (the file is empty)");
    }

    /** {@code text} with line breaks and other control characters replaced, so a message stays one line. */
    static String oneLine(String text) {
        return text.replaceAll("\\R+", " ").replaceAll("\\p{Cntrl}", "?");
    }
}
