package org.dpo4j.trainer.config;

import java.util.List;

/**
 * What a row (prompt + completion) longer than {@code data.max_length} keeps, as TRL's
 * {@code truncation_mode}.
 */
public enum TruncationMode {
    /** Keep the row's first tokens: the completion loses its end. */
    KEEP_START("keep_start"),
    /** Keep the row's last tokens: the prompt loses its start (and the completion too, if it alone is too long). */
    KEEP_END("keep_end");

    /** The config names, in declaration order. */
    public static final List<String> NAMES = List.of("keep_start", "keep_end");

    private final String configName;

    TruncationMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The mode called {@code name} (one of {@link #NAMES}). */
    public static TruncationMode of(String name) {
        for (TruncationMode mode : values()) {
            if (mode.configName.equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown truncation mode '" + name + "'; one of " + NAMES);
    }
}
