package org.dpo4j.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigSchema;
import org.dpo4j.cli.rundir.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dpo4j config schema}: prints the JSON Schema of a run config ({@link ConfigSchema}). */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Print a JSON Schema (draft 2020-12) of run config files, generated from the config classes:"
                    + " every key with its type, the allowed names where the set is closed, the defaults,"
                    + " and the loss node's keys per loss.type. Editors use it to complete and check keys."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j config schema > dpo4j-config.schema.json",
            "  then, as the first line of a YAML config (VS Code's YAML extension, other yaml-language-server clients):",
            "  # yaml-language-server: $schema=./dpo4j-config.schema.json"
        })
public final class ConfigSchemaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private final ConfigLoader loader;

    public ConfigSchemaCommand(ConfigLoader loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        out.println(new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(new ConfigSchema(loader.defaultsTree()).generate()));
        out.flush();
        return ExitCodes.OK;
    }
}
