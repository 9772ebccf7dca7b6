package org.dpo4j.cli.config;

import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.config.DataConfig;
import org.dpo4j.trainer.config.ModelConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;

/**
 * Makes the local paths of a config ({@code model.path}, {@code reference.path},
 * {@code data.train}, {@code data.eval}) mean what they mean relative to the command's working
 * directory ({@code CliEnvironment.workDir()} of the command line), as {@code output.dir} and {@code --config}
 * already do. The trainer opens paths as given, i.e. relative to the process's directory; when
 * that is the working directory (always, outside tests) nothing changes, so messages keep the
 * paths as the user wrote them. Otherwise relative paths become absolute under the working
 * directory. {@code builtin:} data and {@code hf://} models are left alone.
 */
public final class ConfigPaths {

    private ConfigPaths() {}

    public static RunConfig against(RunConfig config, Path workDir) {
        Path base = workDir.toAbsolutePath().normalize();
        if (base.equals(Path.of("").toAbsolutePath().normalize())) {
            return config;
        }
        ModelConfig m = config.model();
        ReferenceConfig r = config.reference();
        DataConfig d = config.data();
        ModelConfig model = new ModelConfig(resolve(m.path(), base), m.preset(), m.arch(), resolve(m.adapter(), base));
        ReferenceConfig reference = new ReferenceConfig(resolve(r.path(), base), r.precompute(), r.syncEvery(), r.syncAlpha());
        DataConfig data = new DataConfig(resolve(d.train(), base), resolve(d.eval(), base), d.format(), d.columns(),
                d.chatTemplate(), d.evalFraction(), d.maxLength(), d.maxPromptLength(), d.truncationMode(),
                d.onBadRecord(), d.templateLimits());
        return new RunConfig(model, reference, data, config.loss(), config.optim(), config.schedule(), config.train(),
                config.eval(), config.save(), config.output(), config.lora());
    }

    private static List<String> resolve(List<String> values, Path base) {
        return values == null ? null : values.stream().map(v -> resolve(v, base)).toList();
    }

    /** {@code value} under {@code base} when it is a relative local path, else unchanged. */
    static String resolve(String value, Path base) {
        if (value == null || value.startsWith("builtin:") || value.contains("://")) {
            return value;
        }
        try {
            Path p = Path.of(value);
            return p.isAbsolute() ? value : base.resolve(p).toString();
        } catch (java.nio.file.InvalidPathException e) {
            return value; // the trainer reports it with its key
        }
    }
}
