package org.dpo4j.trainer.hub;

import java.net.URI;

/**
 * A file could not be downloaded. {@link HubDownloader} turns it into the user's one-line error,
 * adding which model it was and what to do.
 */
final class FetchFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** The status when the server answered with an error, else 0 (no usable answer). */
    private final int status;

    /**
     * @param url    the address asked for (before any redirect, as the user can recognise it)
     * @param status the HTTP status, or 0 when there was no usable answer
     * @param detail one line: the status and where it came from, or what went wrong
     */
    FetchFailure(URI url, int status, String detail, Throwable cause) {
        super(url + ": " + detail, cause);
        this.status = status;
    }

    int status() {
        return status;
    }
}
