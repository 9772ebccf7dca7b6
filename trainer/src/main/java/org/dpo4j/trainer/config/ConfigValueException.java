package org.dpo4j.trainer.config;

/**
 * A config value that is missing or outside what is allowed. Thrown by the config records'
 * constructors; the config loader prefixes {@link #key()} with the path of the enclosing node
 * (e.g. {@code beta} inside {@code loss} becomes {@code loss.beta}).
 */
public final class ConfigValueException extends IllegalArgumentException {

    private final String key;

    /**
     * @param key     the offending key relative to its record, snake_case
     * @param message what is wrong and what is allowed, e.g. "must be > 0, got -1.0"
     */
    public ConfigValueException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The offending key relative to its enclosing record. */
    public String key() {
        return key;
    }

    /** What is wrong and what is allowed, without the key. */
    public String problem() {
        return getMessage().substring(key.length() + 2);
    }
}
