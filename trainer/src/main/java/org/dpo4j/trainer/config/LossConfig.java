package org.dpo4j.trainer.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The loss node, polymorphic by {@code type}; each type has its own parameters. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = DpoLossConfig.class, name = "dpo")})
public sealed interface LossConfig permits DpoLossConfig {}
