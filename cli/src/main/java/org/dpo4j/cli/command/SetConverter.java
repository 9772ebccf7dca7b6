package org.dpo4j.cli.command;

import org.dpo4j.cli.config.ConfigOverride;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --set KEY=VALUE}; a malformed one is a usage error. */
final class SetConverter implements ITypeConverter<ConfigOverride> {
    @Override
    public ConfigOverride convert(String value) {
        try {
            return ConfigOverride.parseSet(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
