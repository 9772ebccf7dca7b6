package org.dpo4j.losses;

import java.util.Locale;

/**
 * The two losses of TDPO (Zeng et al. 2024, "Token-level Direct Preference Optimization"); see
 * {@link TdpoLoss}. Config values are the lower-case names, {@code tdpo1} and {@code tdpo2}.
 */
public enum TdpoVariant {

    /** −log σ(u − δ): both sequence KLs with gradient, α unused. */
    TDPO1,

    /** −log σ(u − α·δ₂): the chosen sequence KL detached (the paper's recommended variant). */
    TDPO2;

    /** The config name, {@code tdpo1} or {@code tdpo2}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The variant a config names.
     *
     * @param name {@code tdpo1} or {@code tdpo2} (case-insensitive)
     * @throws IllegalArgumentException naming the allowed values
     */
    public static TdpoVariant named(String name) {
        for (TdpoVariant v : values()) {
            if (v.configName().equalsIgnoreCase(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown TDPO variant '" + name + "'; allowed: tdpo1, tdpo2");
    }
}
