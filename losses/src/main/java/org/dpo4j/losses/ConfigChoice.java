package org.dpo4j.losses;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One of a closed set of choices that config files name in lower case: the constant
 * {@code SKIP_STEP} is {@code skip_step}. Implemented by enums; Jackson writes a constant as
 * {@link #configName()}, and each enum reads one back with a {@code @JsonCreator} that calls
 * {@link #parse} (or its own parser, for better messages), so that a name outside the set, a
 * differently cased name or a number fails with the allowed names rather than being coerced.
 */
public interface ConfigChoice {

    /** The constant's Java name (an enum's {@code name()}). */
    String name();

    /** The name config files use: the constant's name in lower case. */
    @JsonValue
    default String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The config names of an enum's constants, in declaration order. */
    static <E extends Enum<E> & ConfigChoice> List<String> configNames(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigChoice::configName).toList();
    }

    /**
     * The constant a config names, matched exactly.
     *
     * @throws IllegalArgumentException "must be one of [a, b], got 'x'" for any other name
     */
    static <E extends Enum<E> & ConfigChoice> E parse(Class<E> type, String configName) {
        for (E constant : type.getEnumConstants()) {
            if (constant.configName().equals(configName)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("must be one of " + configNames(type) + ", got '" + configName + "'");
    }
}
