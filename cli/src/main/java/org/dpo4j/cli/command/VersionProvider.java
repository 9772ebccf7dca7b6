package org.dpo4j.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: from {@code version.properties}, which Maven fills in at build time. */
public final class VersionProvider implements IVersionProvider {

    static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() {
        Properties p = load();
        return new String[] {
            "dpo4j " + p.getProperty("version", "unknown"),
            "DJL " + p.getProperty("djl.version", "unknown")
                    + ", PyTorch " + p.getProperty("torch.version", "unknown")
                    + ", Java " + System.getProperty("java.version")
        };
    }

    static Properties load() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
