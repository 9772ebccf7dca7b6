package org.dpo4j.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Parsing of /proc/self files, on fixed text in their documented format (proc(5)). */
class ProcessStatsTest {

    @Test
    void faultsAreFieldsTenAndTwelveCountedAfterTheCommandName() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt ...; the name holds ") ("
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 123456 77 8 0 900 30 0 0 20 0 40 0 1 2 3\n";
        assertEquals(new ProcessStats.Faults(123_456, 8), ProcessStats.faults(stat));
    }

    @Test
    void statusValuesInKilobytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  524288 kB\nVmRSS:\t  262144 kB\n";
        assertEquals(524_288.0, ProcessStats.statusKb(status, "VmHWM"));
        assertEquals(262_144.0, ProcessStats.statusKb(status, "VmRSS"));
        assertTrue(Double.isNaN(ProcessStats.statusKb(status, "VmSwap")));
        assertTrue(Double.isNaN(ProcessStats.statusKb(null, "VmHWM")));
    }

    @Test
    void thisProcessHasFaultsAndAResidentPeak() {
        ProcessStats.Faults faults = ProcessStats.faults();
        assertTrue(faults.minor() > 0 && faults.major() >= 0, faults.toString());
        // the size first: the peak read afterwards covers it, however the process grows in between
        double now = ProcessStats.rssMb();
        assertTrue(ProcessStats.peakRssMb() >= now, "the peak is at least the size read before it");
    }
}
