package org.dpo4j.trainer.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the process costs, read from Linux's {@code /proc/self} and the JVM's memory pools. On a
 * system without {@code /proc} the resident-memory figures are NaN and the fault counts -1.
 */
public final class ProcessStats {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path STAT = Path.of("/proc/self/stat");

    private ProcessStats() {}

    /**
     * Page faults so far.
     *
     * @param minor faults served without disk I/O (e.g. first touch of a fresh anonymous page)
     * @param major faults that read from disk
     */
    public record Faults(long minor, long major) {}

    /** The process's peak resident set (VmHWM) in MB (2^20 bytes), NaN when unknown. */
    public static double peakRssMb() {
        return statusKb(read(STATUS), "VmHWM") / 1024.0;
    }

    /** The process's resident set now (VmRSS) in MB, NaN when unknown. */
    public static double rssMb() {
        return statusKb(read(STATUS), "VmRSS") / 1024.0;
    }

    /** The process's page faults so far, -1 each when unknown. */
    public static Faults faults() {
        return faults(read(STAT));
    }

    /**
     * The peak used Java heap in MB: the sum of the heap pools' peaks since the JVM started or
     * since {@link #resetHeapPeaks}. The pools peak at different moments, so this bounds the true
     * peak of their total from above.
     */
    public static double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024.0 * 1024.0);
    }

    /** Starts the heap pools' peaks afresh, so that {@link #peakHeapMb} covers what follows. */
    public static void resetHeapPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Seconds from the JVM's start until now. */
    public static double secondsSinceJvmStart() {
        return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    }

    /** The value in kB of a {@code /proc/self/status} line such as {@code VmHWM:  123456 kB}; NaN when absent. */
    static double statusKb(String status, String field) {
        if (status == null) {
            return Double.NaN;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                String value = line.substring(field.length() + 1).trim();
                return Double.parseDouble(value.split("\\s+")[0]);
            }
        }
        return Double.NaN;
    }

    /**
     * minflt and majflt, fields 10 and 12 of {@code /proc/self/stat}. Field 2, the command name in
     * parentheses, may itself hold spaces and parentheses, so fields are counted after its last ')'.
     */
    static Faults faults(String stat) {
        if (stat == null) {
            return new Faults(-1, -1);
        }
        String[] after = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
        // after[0] is field 3 (state), so field k is after[k - 3]
        return new Faults(Long.parseLong(after[10 - 3]), Long.parseLong(after[12 - 3]));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
