package dev.restoreagent.agent.daemon;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessMemoryTest {
    @Test
    void vmRssIsReadInKibibytes() {
        assertThat(ProcessMemory.residentBytes("Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t   123456 kB\nThreads: 3\n"))
                .isEqualTo(123456L * 1024);
    }

    @Test
    void aStatusWithoutVmRssIsMinusOne() {
        // a kernel thread's status has no Vm lines
        assertThat(ProcessMemory.residentBytes("Name:\tkthreadd\nState:\tS (sleeping)\n")).isEqualTo(-1);
    }

    @Test
    void thisProcessHasAResidentSize() {
        assertThat(ProcessMemory.residentBytes()).isGreaterThan(1 << 20);
    }
}
