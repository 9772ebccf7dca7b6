package org.dpo4j.cli.config;

import org.dpo4j.trainer.config.RunConfig;

/**
 * A validated run config and its YAML form (what is printed and saved as
 * {@code resolved-config.yaml}).
 */
public record ResolvedConfig(RunConfig config, String yaml) {}
