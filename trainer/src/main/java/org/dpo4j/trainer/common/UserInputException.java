package org.dpo4j.trainer.common;

/**
 * Bad input a user can fix (a data file, a path, a value): the message is one line saying what
 * is wrong, where (file:line or key path) and what is allowed. The command line maps it to
 * exit code 2 without a stack trace.
 */
public final class UserInputException extends RuntimeException {

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
