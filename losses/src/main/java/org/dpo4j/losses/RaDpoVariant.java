package org.dpo4j.losses;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * The two losses of Ra-DPO ({@link RiskAwareDpoLoss}); config values {@code ra_dpo1} and
 * {@code ra_dpo2}.
 */
public enum RaDpoVariant implements ConfigChoice {

    /** −log σ(β·((m_c − m_r) − (R_r − R_c))): both sequence risks with gradient, α unused. */
    RA_DPO1,

    /** −log σ(β·((m_c − m_r) − α·(R_r − sg(R_c)))): the chosen risk detached (the official default). */
    RA_DPO2;

    /** The variant a config file names, exactly. */
    @JsonCreator
    public static RaDpoVariant fromConfig(String configName) {
        return ConfigChoice.parse(RaDpoVariant.class, configName);
    }
}
