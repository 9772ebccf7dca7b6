package org.dpo4j.cli.command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dpo4j.cli.config.BundledConfigs;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.config.DidYouMean;
import org.dpo4j.cli.rundir.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dpo4j configs [NAME]}: lists the bundled example configs, or prints one. */
@Command(
        name = "configs",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "List the example configs bundled with dpo4j (the repository's configs/ folder), or print one.",
            "Print one to a file to start your own run config."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j configs",
            "  dpo4j configs tdpo2-tiny > my-run.yaml",
            "  dpo4j configs losses/simpo.yaml"
        })
public final class ConfigsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
            description = "A config's path under configs/, e.g. dpo-tiny.yaml, losses/simpo (the extension may be left out).")
    String name;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<BundledConfigs.Entry> all = BundledConfigs.all();
        if (name == null) {
            int width = all.stream().mapToInt(e -> e.name().length()).max().orElse(0);
            out.println("Bundled example configs (print one with 'dpo4j configs NAME'):");
            for (BundledConfigs.Entry e : all) {
                out.println(String.format(Locale.ROOT, "  %-" + width + "s  %s", e.name(), e.description()).stripTrailing());
            }
        } else {
            BundledConfigs.Entry entry = BundledConfigs.find(all, name).orElseThrow(() -> new ConfigException(
                    "config error: no bundled config '" + name + "'"
                            + DidYouMean.closest(name, all.stream().map(e -> BundledConfigs.stripExtension(e.name())).toList())
                                    .map(n -> "; did you mean " + n + "?").orElse("")
                            + " ('dpo4j configs' lists them)"));
            out.print(entry.text());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
