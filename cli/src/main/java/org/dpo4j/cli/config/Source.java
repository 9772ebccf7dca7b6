package org.dpo4j.cli.config;

import java.nio.file.Path;

/** Where a config value came from; error messages name it. */
public sealed interface Source {

    /** The embedded default run. */
    record Defaults() implements Source {}

    /**
     * A {@code --config} file.
     *
     * @param path    the file to read
     * @param display the file as the user named it
     * @param json    true when read as JSON, false as YAML
     */
    record ConfigFile(Path path, String display, boolean json) implements Source {}

    /**
     * A command-line argument.
     *
     * @param text the argument as written, e.g. {@code --set loss.beta=-1}
     */
    record Argument(String text) implements Source {}

    /**
     * An entry of a sweep file ({@code overrides}, a {@code grid} value, a {@code runs} entry).
     *
     * @param key  where the entry's key is, e.g. {@code sweep.yaml:7:3: grid.loss.beta}
     * @param value where its value is, e.g. {@code sweep.yaml:7:21: grid.loss.beta[1]}
     */
    record SweepEntry(String key, String value) implements Source {
        /** The key's place for a problem with the key (unknown), else the value's. */
        String at(boolean atKey) {
            return atKey ? key : value;
        }
    }
}
