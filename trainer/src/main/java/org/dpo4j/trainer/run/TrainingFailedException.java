package org.dpo4j.trainer.run;

/** The run cannot go on (e.g. a NaN loss); the message says at which step and why. */
public final class TrainingFailedException extends RuntimeException {

    public TrainingFailedException(String message) {
        super(message);
    }
}
