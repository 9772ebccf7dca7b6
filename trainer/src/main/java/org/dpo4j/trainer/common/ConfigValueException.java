package org.dpo4j.trainer.common;

import java.util.List;

/**
 * A config value that is missing or outside what is allowed. Thrown by the config records'
 * constructors; the config loader prefixes {@link #key()} with the path of the enclosing node
 * (e.g. {@code beta} inside {@code loss} becomes {@code loss.beta}).
 */
public final class ConfigValueException extends IllegalArgumentException {

    private final String key;
    private final List<String> allowed;

    /**
     * @param key     the offending key relative to its record, snake_case
     * @param message what is wrong and what is allowed, e.g. "must be > 0, got -1.0"
     */
    public ConfigValueException(String key, String message) {
        this(key, message, List.of());
    }

    /**
     * A value outside a closed set of names.
     *
     * @param key     the offending key relative to its record, snake_case
     * @param message what is wrong and what is allowed
     * @param allowed the names the key accepts (what {@code dpo4j config schema} lists as its enum)
     */
    public ConfigValueException(String key, String message, List<String> allowed) {
        super(key + ": " + message);
        this.key = key;
        this.allowed = List.copyOf(allowed);
    }

    /** The offending key relative to its enclosing record. */
    public String key() {
        return key;
    }

    /** The names the key accepts when they form a closed set, else empty. */
    public List<String> allowed() {
        return allowed;
    }

    /** What is wrong and what is allowed, without the key. */
    public String problem() {
        return getMessage().substring(key.length() + 2);
    }
}
