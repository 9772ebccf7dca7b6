package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import org.dpo4j.losses.ConfigChoice;

/** What a non-finite loss or gradient norm does ({@code train.nan_policy}). */
public enum NanPolicy implements ConfigChoice {

    /** The run fails, naming the step. */
    STOP,

    /** That step's update is discarded and counted in {@code skipped_steps}. */
    SKIP_STEP;

    /** The policy a config file names, exactly ({@code stop} or {@code skip_step}). */
    @JsonCreator
    public static NanPolicy fromConfig(String configName) {
        return ConfigChoice.parse(NanPolicy.class, configName);
    }
}
