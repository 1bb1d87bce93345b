package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OtherCpuTest {
    private static final long HARNESS = 100;
    /** A Ceph daemon the harness started detached: its parent is init, its command line names the work dir. */
    private static final long DAEMON = 500;
    private static final long INIT = 1;
    private static final long BUILD = 200;

    private final OtherCpu cpu = new OtherCpu(HARNESS, p -> p.pid() == DAEMON);

    private static OtherCpu.Proc proc(long pid, long ppid, long cpuTicks) {
        return new OtherCpu.Proc(pid, ppid, pid, cpuTicks, false); // started at tick = pid: parents first
    }

    private static Map<Long, OtherCpu.Proc> reading(OtherCpu.Proc... procs) {
        Map<Long, OtherCpu.Proc> byPid = new HashMap<>();
        for (OtherCpu.Proc p : procs) {
            byPid.put(p.pid(), p);
        }
        return byPid;
    }

    @Test
    void theFirstReadingOnlySetsTheStart() {
        assertThat(cpu.ticksSince(reading(proc(INIT, 0, 50), proc(BUILD, INIT, 1000)))).isZero();
    }

    @Test
    void countsWhatOtherProcessesUsedBetweenTwoReadings() {
        cpu.ticksSince(reading(proc(INIT, 0, 50), proc(BUILD, INIT, 1000)));

        assertThat(cpu.ticksSince(reading(proc(INIT, 0, 55), proc(BUILD, INIT, 1150)))).isEqualTo(155);
    }

    @Test
    void leavesOutTheHarnessEverythingItStartsAndItsDetachedDaemons() {
        cpu.ticksSince(reading(proc(INIT, 0, 0), proc(HARNESS, INIT, 1000), proc(101, HARNESS, 10),
                proc(DAEMON, INIT, 300)));

        // 102, a grandchild, and 103, started by the daemon, are new since
        assertThat(cpu.ticksSince(reading(proc(INIT, 0, 0), proc(HARNESS, INIT, 1200), proc(101, HARNESS, 60),
                proc(102, 101, 90), proc(DAEMON, INIT, 500), proc(103, DAEMON, 40)))).isZero();
    }

    @Test
    void aChildOfTheHarnessStaysTheHarnessesWhenItsParentExits() {
        cpu.ticksSince(reading(proc(INIT, 0, 0), proc(HARNESS, INIT, 0), proc(101, HARNESS, 0), proc(150, 101, 10)));

        assertThat(cpu.ticksSince(reading(proc(INIT, 0, 0), proc(HARNESS, INIT, 0), proc(150, INIT, 90)))).isZero();
    }

    @Test
    void leavesOutKernelThreads() {
        cpu.ticksSince(reading(new OtherCpu.Proc(2, 0, 0, 100, true), new OtherCpu.Proc(90, 2, 9, 100, true)));

        assertThat(cpu.ticksSince(reading(new OtherCpu.Proc(2, 0, 0, 900, true),
                new OtherCpu.Proc(90, 2, 9, 900, true)))).isZero();
    }

    @Test
    void aProcessStartedBetweenReadingsCountsAllItUsed() {
        cpu.ticksSince(reading(proc(INIT, 0, 0), proc(BUILD, INIT, 1000)));

        assertThat(cpu.ticksSince(reading(proc(INIT, 0, 0), proc(BUILD, INIT, 1000), proc(201, BUILD, 70))))
                .isEqualTo(70);
    }

    @Test
    void aChildSeenBeforeItsParentWaitedForItCountsOnce() {
        cpu.ticksSince(reading(proc(INIT, 0, 0), proc(BUILD, INIT, 1000), proc(201, BUILD, 300)));

        // the build used 50 itself; its child 40 more before it ended, and all its 340 moved into the build's cutime
        assertThat(cpu.ticksSince(reading(proc(INIT, 0, 0), proc(BUILD, INIT, 1000 + 50 + 340)))).isEqualTo(90);
    }

    @Test
    void aChildNoReadingSawCountsThroughItsParent() {
        cpu.ticksSince(reading(proc(INIT, 0, 0), proc(BUILD, INIT, 1000)));

        // a compiler that started and ended between the readings: 80 ticks in the build's cutime
        assertThat(cpu.ticksSince(reading(proc(INIT, 0, 0), proc(BUILD, INIT, 1080)))).isEqualTo(80);
    }

    @Test
    void aDaemonOfTheHarnessThatInitWaitsForLeavesOnlyItsLastTicks() {
        cpu.ticksSince(reading(proc(INIT, 0, 0), proc(DAEMON, INIT, 10_000)));

        // the OSD of a finished run ends: its 10,030 ticks move into init's cutime, 30 of them since the last reading
        assertThat(cpu.ticksSince(reading(proc(INIT, 0, 10_030)))).isEqualTo(30);
    }

    @Test
    void aReusedPidIsANewProcess() {
        cpu.ticksSince(reading(proc(INIT, 0, 0), new OtherCpu.Proc(BUILD, INIT, 5, 1000, false)));

        // the first ended (init waited for it: its 1000 ticks in init's cutime), and a new one took its pid
        assertThat(cpu.ticksSince(reading(proc(INIT, 0, 1000), new OtherCpu.Proc(BUILD, INIT, 9, 20, false))))
                .isEqualTo(20);
    }

    @Test
    void parsesAStatLineWhoseCommandHoldsSpacesAndParentheses() {
        OtherCpu.Proc p = OtherCpu.Proc.parse(
                "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 7 3 2 1 20 0 1 0 5555 1000 200\n");

        assertThat(p).isEqualTo(new OtherCpu.Proc(1234, 1, 5555, 7 + 3 + 2 + 1, false));
    }

    @Test
    void aKernelThreadIsToldByItsFlags() {
        assertThat(OtherCpu.Proc.parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 5 0 0 20 0 1 0 1 0 0\n")
                .kernel()).isTrue();
    }

    @Test
    void readsThisJvmFromProc() {
        OtherCpu.Proc self = OtherCpu.read().get(ProcessHandle.current().pid());

        assertThat(self).isNotNull();
        assertThat(self.kernel()).isFalse();
        assertThat(self.ppid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
    }
}
