package org.dpo4j.cli;

import java.nio.file.Path;

/** Where a config value came from; error messages name it. */
sealed interface Source {

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
}
