package dev.restoreagent.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory, as the kernel counts it. */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** VmRSS from {@code /proc/self/status} in bytes, or -1 when it cannot be read. */
    static long residentBytes() {
        try {
            return residentBytes(Files.readString(STATUS));
        } catch (IOException e) {
            return -1;
        }
    }

    /** VmRSS of a {@code /proc/PID/status} text in bytes, or -1 when it has none. */
    static long residentBytes(String status) {
        // "VmRSS:     123456 kB": the kernel always says kB, and means KiB
        return status.lines().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> l.substring("VmRSS:".length()).strip().split("\\s+")[0])
                .mapToLong(kib -> Long.parseLong(kib) * 1024).findFirst().orElse(-1);
    }
}
