package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code loss: {type: dpo, beta: 0.1}}: the DPO sigmoid loss.
 *
 * @param beta inverse temperature β of the implicit reward; TRL's default 0.1 when omitted
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DpoLossConfig(Double beta) implements LossConfig {

    public static final double DEFAULT_BETA = 0.1;

    public DpoLossConfig {
        beta = Check.positive("beta", beta == null ? DEFAULT_BETA : beta);
    }
}
