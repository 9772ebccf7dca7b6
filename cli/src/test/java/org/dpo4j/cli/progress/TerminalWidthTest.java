package org.dpo4j.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

public class TerminalWidthTest {

    private long now;

    @Test
    void theWidthIsAskedAgainOnlyAfterAFewSeconds() {
        AtomicInteger asked = new AtomicInteger();
        TerminalWidth width = new TerminalWidth(() -> now, () -> 100 + asked.getAndIncrement());
        assertEquals(100, width.getAsInt());
        now += 1_000_000_000L;
        assertEquals(100, width.getAsInt());
        now += 3_000_000_000L;
        assertEquals(101, width.getAsInt(), "the terminal may have been resized");
    }

    @Test
    void columnsParse() {
        assertEquals(132, TerminalWidth.parse(" 132\n"));
        assertEquals(-1, TerminalWidth.parse("wide"));
        assertEquals(-1, TerminalWidth.parse("0"));
        assertEquals(-1, TerminalWidth.parse(null));
    }
}
