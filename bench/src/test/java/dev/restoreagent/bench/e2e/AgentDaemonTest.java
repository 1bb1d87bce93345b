package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AgentDaemonTest {
    @Test
    void theResidentSetAndThreadsComeFromProcStatus() {
        AgentDaemon.Resident resident = AgentDaemon.Resident.parse(List.of("Name:\tjava", "VmHWM:\t  350124 kB",
                "VmRSS:\t  204800 kB", "Threads:\t31", "SigQ:\t0/95000"));

        assertThat(resident).isEqualTo(new AgentDaemon.Resident(200L << 20, 31));
    }

    @Test
    void aZombieHasNoResidentSet() {
        AgentDaemon.Resident resident = AgentDaemon.Resident.parse(List.of("Name:\tjava", "State:\tZ (zombie)",
                "Threads:\t1"));

        assertThat(resident).isEqualTo(new AgentDaemon.Resident(-1, 1));
    }
}
