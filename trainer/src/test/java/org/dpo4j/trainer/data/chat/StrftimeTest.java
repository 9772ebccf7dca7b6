package org.dpo4j.trainer.data.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class StrftimeTest {

    /** Thursday 5 February 2026, 07:04:09.000123. */
    private static final LocalDateTime TIME = LocalDateTime.of(2026, 2, 5, 7, 4, 9, 123_000);

    @Test
    void directivesChatTemplatesUse() {
        // datetime(2026, 2, 5, 7, 4, 9, 123).strftime(...)
        assertEquals("05 Feb 2026", Strftime.format(TIME, "%d %b %Y"));
        assertEquals("February 05, 2026", Strftime.format(TIME, "%B %d, %Y"));
        assertEquals("2026-02-05 07:04:09.000123", Strftime.format(TIME, "%Y-%m-%d %H:%M:%S.%f"));
        assertEquals("Thu Thursday 07AM 036 4 4 100%", Strftime.format(TIME, "%a %A %I%p %j %w %u 100%%"));
        assertEquals("5 2 7", Strftime.format(TIME, "%-d %-m %-H"));
        assertEquals(" 5", Strftime.format(TIME, "%e"));
    }

    @Test
    void unknownDirectiveFails() {
        assertEquals("strftime_now(): directive %U is not supported",
                assertThrows(PyCallException.class, () -> Strftime.format(TIME, "%U")).getMessage());
    }
}
