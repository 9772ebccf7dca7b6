package org.dpo4j.losses;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * The two losses of TDPO (Zeng et al. 2024, "Token-level Direct Preference Optimization"); see
 * {@link TdpoLoss}. Config values are the lower-case names, {@code tdpo1} and {@code tdpo2}.
 */
public enum TdpoVariant implements ConfigChoice {

    /** −log σ(u − δ): both sequence KLs with gradient, α unused. */
    TDPO1,

    /** −log σ(u − α·δ₂): the chosen sequence KL detached (the paper's recommended variant). */
    TDPO2;

    /** The variant a config file names, exactly ({@code tdpo1} or {@code tdpo2}). */
    @JsonCreator
    public static TdpoVariant fromConfig(String configName) {
        return ConfigChoice.parse(TdpoVariant.class, configName);
    }

    /**
     * The variant a name means, in any case.
     *
     * @param name {@code tdpo1} or {@code tdpo2} (case-insensitive)
     * @throws IllegalArgumentException naming the allowed values
     */
    public static TdpoVariant named(String name) {
        return fromConfig(name == null ? null : name.toLowerCase(Locale.ROOT));
    }
}
