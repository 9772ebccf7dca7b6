package org.dpo4j.cli.sweep;

import java.util.List;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.cli.config.ResolvedConfig;

/**
 * One run of a sweep, fully resolved before any run starts.
 *
 * @param name      its directory name under the sweep's output directory ({@link RunNames})
 * @param overrides the grid point or {@code runs} entry that makes it (the sweep-wide
 *                  {@code overrides} and {@code --set} are not repeated here)
 * @param config    its validated config, with {@code output.dir} null: the sweep gives the
 *                  directory on the command line, so the saved config file can be rerun anywhere
 */
public record SweepRun(String name, List<ConfigOverride> overrides, ResolvedConfig config) {

    public SweepRun {
        overrides = List.copyOf(overrides);
    }
}
