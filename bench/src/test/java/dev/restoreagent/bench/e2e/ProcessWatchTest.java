package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessWatchTest {
    // touches every page of 200 MiB, then idles: resident for certain, and long enough to be sampled
    private static final List<String> HOLD_200_MIB = List.of("python3", "-c",
            "import time; b = bytearray(200 << 20); time.sleep(1.0); print(len(b))");

    @Test
    void recordsThePeakResidentSetAndCpuOfAProcess() throws Exception {
        CommandRun run = CommandRun.of(List.of(new ProcessBuilder(HOLD_200_MIB)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)), Long.MAX_VALUE, 60);

        assertThat(run.succeeded()).isTrue();
        assertThat(run.maxPeakRssBytes()).isBetween(200L << 20, 400L << 20);
        assertThat(run.totalCpuSeconds()).isGreaterThan(0).isLessThan(run.seconds() + 1);
        assertThat(run.seconds()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void killsAProcessThatPassesTheLimit() throws Exception {
        CommandRun run = CommandRun.of(List.of(new ProcessBuilder(HOLD_200_MIB)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)), 100L << 20, 60);

        assertThat(run.succeeded()).isFalse();
        assertThat(run.killedAtRssBytes()).isGreaterThan(100L << 20);
        assertThat(run.exitCodes().get(0)).isEqualTo(137); // SIGKILL
    }

    @Test
    void measuresEveryStageOfAPipeline() throws Exception {
        CommandRun run = CommandRun.of(List.of(new ProcessBuilder("sh", "-c", "head -c 1000000 /dev/zero; sleep 0.3"),
                new ProcessBuilder("wc", "-c").redirectOutput(ProcessBuilder.Redirect.DISCARD)), Long.MAX_VALUE, 60);

        assertThat(run.succeeded()).isTrue();
        assertThat(run.peakRssBytes()).hasSize(2).allMatch(rss -> rss > 0);
    }

    @Test
    void aTreeWatchFindsTheChildrenAProcessStartsAndAddsTheirPeaks() throws Exception {
        // the shell stays the parent: a command follows the child's; the system's python, not a pyenv shim's tree
        Process shell = new ProcessBuilder("sh", "-c", "\"$0\" \"$1\" \"$2\"; true", "/usr/bin/python3",
                HOLD_200_MIB.get(1), HOLD_200_MIB.get(2)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // the kernel names the executable itself: python3.11, not the python3 link
        String python = Path.of("/usr/bin/python3").toRealPath().getFileName().toString();
        try (ProcessWatch watch = ProcessWatch.ofTree(shell.toHandle(), ProcessWatch.running(python))) {
            assertThat(shell.waitFor()).isZero();

            assertThat(watch.descendantsSeen()).isEqualTo(1);
            assertThat(watch.descendantsPeakRssBytes()).isBetween(200L << 20, 400L << 20);
            assertThat(watch.peakRssBytes(shell.toHandle())).isLessThan(100L << 20); // the shell's own
        }
    }

    @Test
    void aTreeWatchLeavesOutTheChildrenItsFilterRefuses() throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "sleep 0.5; true").start();
        try (ProcessWatch watch = ProcessWatch.ofTree(shell.toHandle(), ProcessWatch.running("rbd"))) {
            assertThat(shell.waitFor()).isZero();

            assertThat(watch.descendantsSeen()).isZero();
            assertThat(watch.descendantsPeakRssBytes()).isZero();
        }
    }
}
