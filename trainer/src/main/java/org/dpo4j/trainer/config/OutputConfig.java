package org.dpo4j.trainer.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Where the run writes.
 *
 * @param dir the run directory; null means {@code runs/<timestamp>} under the working directory
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OutputConfig(String dir) {}
