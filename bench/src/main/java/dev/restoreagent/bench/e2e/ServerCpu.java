package dev.restoreagent.bench.e2e;

import java.nio.file.Path;

/**
 * The CPU time of a server the harness started beside the agent on the same cores (the throwaway cluster's
 * RADOS Gateway, OSD and monitor): every process whose command line names the server's directory. What a
 * restore from it costs the machine beyond the agent's own CPU.
 */
final class ServerCpu {
    private final String marker;

    ServerCpu(Path serverDir) {
        this.marker = serverDir.toAbsolutePath().normalize().toString();
    }

    /** The server's processes' user and system CPU so far, seconds; a process that ended is no longer in it. */
    double seconds() {
        long ticks = 0;
        for (OtherCpu.Proc p : OtherCpu.read().values()) {
            if (!p.kernel() && OtherCpu.commandLine(p.pid()).contains(marker)) {
                ticks += p.cpuTicks();
            }
        }
        return (double) ticks / ProcessWatch.CLOCK_TICKS_PER_SECOND;
    }
}
