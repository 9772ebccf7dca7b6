package org.dpo4j.cli.config;

/**
 * A config the user can fix: the message is one line starting with {@code config error: } that
 * names the key path (and the file, line and column where known) and what is allowed.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
