package org.dpo4j.trainer.data.chat;

/**
 * An error a template call raises while rendering: what Python raises as {@code TypeError} or
 * {@code ValueError} ({@code "".split("")}), or a Python feature dpo4j does not imitate. The
 * renderer finds it among Jinjava's errors and reports its message as is.
 *
 * <p>Not an {@code IllegalArgumentException} on purpose: Jinjava's method resolver swallows
 * those and renders nothing.
 */
final class PyCallException extends RuntimeException {

    PyCallException(String message) {
        super(message);
    }
}
