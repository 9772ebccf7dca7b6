package org.dpo4j.trainer.config;

import java.util.Collection;
import java.util.List;
import org.dpo4j.trainer.common.ConfigValueException;

/** Value checks for config records; each failure names the key and what is allowed. */
final class Check {

    private Check() {}

    static <T> T required(String key, T value) {
        if (value == null) {
            throw new ConfigValueException(key, "is required (got null)");
        }
        return value;
    }

    static int atLeast(String key, Integer value, int min) {
        required(key, value);
        if (value < min) {
            throw new ConfigValueException(key, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    static double positive(String key, Double value) {
        required(key, value);
        if (!(value > 0) || value.isInfinite()) {
            throw new ConfigValueException(key, "must be a finite number > 0, got " + value);
        }
        return value;
    }

    static double nonNegative(String key, Double value) {
        required(key, value);
        if (!(value >= 0) || value.isInfinite()) {
            throw new ConfigValueException(key, "must be a finite number >= 0, got " + value);
        }
        return value;
    }

    /** Checks {@code min <= value < max}. */
    static double halfOpen(String key, Double value, double min, double max) {
        required(key, value);
        if (!(value >= min && value < max)) {
            throw new ConfigValueException(
                    key, "must be in [" + min + ", " + max + "), got " + value);
        }
        return value;
    }

    static String oneOf(String key, String value, Collection<String> allowed) {
        required(key, value);
        if (!allowed.contains(value)) {
            throw new ConfigValueException(
                    key, "must be one of " + allowed + ", got '" + value + "'", List.copyOf(allowed));
        }
        return value;
    }
}
