package org.dpo4j.cli.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.cli.config.ConfigPaths;
import org.dpo4j.cli.config.ResolvedConfig;
import picocli.CommandLine.Option;

/**
 * The config options every command that reads a run config shares: {@code --config FILE} and
 * repeatable {@code --set KEY=VALUE}. Use it as {@code @Mixin ConfigOptions configOptions;} and
 * resolve with {@link #load}; the layers are defaults < file < {@code --set} < the command's
 * typed flags.
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Run config, YAML or JSON (.json); keys it leaves out keep their defaults.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", converter = SetConverter.class,
            description = {
                "Override one config key (repeatable; the last one wins), e.g. loss.beta=0.2.",
                "The value is read as YAML: 0.2 is a number, [0.9,0.95] a list, null is null,"
                        + " other text a string."
            })
    List<ConfigOverride> sets = new ArrayList<>();

    /**
     * Resolves the config: the file relative to {@link CliEnvironment#workDir()}, then the
     * overrides and {@code flags}; local paths in it ({@code model.path}, {@code reference.path},
     * {@code data.train}, {@code data.eval}) resolve against the working directory too (see
     * {@link ConfigPaths}), while the YAML keeps them as written.
     *
     * @param flags the command's typed flags, highest layer, in order
     * @throws ConfigException when a layer cannot be read or the result is not a valid config
     */
    ResolvedConfig load(ConfigLoader loader, CliEnvironment env, List<ConfigOverride> flags) {
        Path file = config == null ? null : env.workDir().resolve(config);
        ResolvedConfig resolved = loader.load(file, config == null ? null : config.toString(), sets, flags);
        return new ResolvedConfig(ConfigPaths.against(resolved.config(), env.workDir()), resolved.yaml());
    }

    /** The {@code --config} file as given, or null. */
    Path file() {
        return config;
    }

    /**
     * {@code --set KEY=VALUE} for each override, as the user wrote it: for a command line that
     * repeats this one (to resume a run or continue a sweep).
     */
    static List<String> setArguments(List<ConfigOverride> sets) {
        List<String> args = new ArrayList<>();
        for (ConfigOverride set : sets) {
            args.add("--set");
            args.add(set.origin().substring("--set ".length()));
        }
        return args;
    }

    /** The {@code --set} overrides in command-line order. */
    List<ConfigOverride> sets() {
        return sets;
    }
}
