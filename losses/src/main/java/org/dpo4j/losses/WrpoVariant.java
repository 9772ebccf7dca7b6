package org.dpo4j.losses;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The two losses of the WRPO trainer ({@link WrpoLoss}); config values {@code wrpo} and {@code sigmoid}. */
public enum WrpoVariant implements ConfigChoice {

    /** The source and target chosen log-ratios mixed with weight α into one reward. */
    WRPO,

    /** The mean of two DPO losses, source chosen vs rejected and target chosen vs rejected. */
    SIGMOID;

    /** The variant a config file names, exactly. */
    @JsonCreator
    public static WrpoVariant fromConfig(String configName) {
        return ConfigChoice.parse(WrpoVariant.class, configName);
    }
}
