package org.dpo4j.cli.command;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

public class CliEnvironmentTest {

    @Test
    void noTerminalMeansPlainProgress() {
        assertFalse(CliEnvironment.isTerminal(null));
        // the test JVM's streams are pipes: plain lines, as in CI (on Java 22+ too, where a console may exist)
        assertFalse(CliEnvironment.system().liveProgress());
    }
}
