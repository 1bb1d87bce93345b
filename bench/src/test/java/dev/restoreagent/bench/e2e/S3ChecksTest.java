package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class S3ChecksTest {
    private static final long MIB = BenchPlan.MIB;
    private static final BenchPlan PLAN = BenchPlan.full(12L << 30); // B = 256 MiB
    private static final S3Plan S3 = S3Plan.full();

    private static Measurement oneShot(String subject, double seconds, long rssMib, double cpu) {
        return new Measurement(S3Scenarios.ONE_SHOT, subject, Scenarios.FILE, 1, 50 * MIB, 1024 * MIB, -1, seconds,
                rssMib * MIB, -1, cpu, null, null);
    }

    private static Measurement many(long rssMib, long directMib) {
        return new Measurement(S3Scenarios.MANY, S3Scenarios.DAEMON_S3, Scenarios.FILE, 41, 50 * MIB,
                41 * 1024 * MIB, -1, 82.0, rssMib * MIB, directMib * MIB, 150.0, null, null);
    }

    private static Measurement daemonOne(String subject, double seconds, double cpu) {
        return new Measurement(S3Scenarios.DAEMON_ONE, subject, Scenarios.FILE, 1, 50 * MIB, 1024 * MIB, -1,
                seconds, 200 * MIB, 100 * MIB, cpu, null, null);
    }

    private static List<TargetCheck> evaluate(Measurement... runs) {
        return S3Checks.evaluate(new Results(PLAN, new ArrayList<>(List.of(runs))), S3, 2);
    }

    private static TargetCheck find(List<TargetCheck> checks, String prefix) {
        return checks.stream().filter(c -> c.target().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void theMediansOfTheRoundsAndTheHighestPeaksDecide() {
        List<TargetCheck> checks = evaluate(
                oneShot(S3Scenarios.FROM_POSIX, 4.0, 300, 4.0), oneShot(S3Scenarios.FROM_S3, 4.2, 320, 4.4),
                oneShot(S3Scenarios.FROM_POSIX, 3.8, 310, 4.0), oneShot(S3Scenarios.FROM_S3, 4.4, 330, 4.4),
                oneShot(S3Scenarios.FROM_POSIX, 4.2, 305, 4.0), oneShot(S3Scenarios.FROM_S3, 9.0, 335, 4.4),
                many(400, 250));

        TargetCheck speed = find(checks, "one restore from S3");
        assertThat(speed.met()).isTrue(); // medians 4.0 / 4.4 = 0.91x
        assertThat(speed.measured()).isEqualTo("S3 4.40 s vs posix 4.00 s (0.91x)");
        TargetCheck rss = find(checks, "peak RSS, one restore from S3 <= the same from posix + 32 MiB");
        assertThat(rss.met()).isTrue(); // 335 <= 310 + 32
        assertThat(rss.measured()).startsWith("S3 335 MiB vs posix 310 MiB (+25 MiB");
        TargetCheck concurrent = find(checks, "peak RSS, 41 restores from S3 through one daemon <= B + 160 MiB = 416");
        assertThat(concurrent.met()).isTrue();
        assertThat(concurrent.measured()).isEqualTo("400 MiB (direct peak 250 MiB), 512 MiB/s aggregate");
    }

    @Test
    void aMissSaysWhereTheTimeAndTheMemoryWent() {
        List<TargetCheck> checks = evaluate(oneShot(S3Scenarios.FROM_POSIX, 4.0, 300, 4.0),
                oneShot(S3Scenarios.FROM_S3, 6.0, 340, 4.5).withServerCpu(1.5), many(450, 250),
                daemonOne(S3Scenarios.DAEMON_POSIX, 2.0, 3.0), daemonOne(S3Scenarios.DAEMON_S3, 2.5, 3.2)
                        .withServerCpu(1.2));

        TargetCheck speed = find(checks, "one restore from S3");
        assertThat(speed.met()).isFalse(); // 0.67x
        assertThat(speed.measured()).contains("(0.67x); missed:").contains("(+0.50 s of CPU), and the gateway (RGW,"
                        + " OSD) 1.50 CPU s more on the same 2 cores: 6.00 CPU s in all against posix's 4.00, 1.50x the"
                        + " work, where 0.9x speed allows 1.11x").contains("0.9x would need 4.44 s")
                .endsWith("; through a running daemon (no JVM start) S3 2.50 s vs posix 2.00 s (0.80x), CPU 3.20 vs"
                        + " 3.00 s (+ gateway 1.20)");
        TargetCheck rss = find(checks, "peak RSS, one restore from S3");
        assertThat(rss.met()).isFalse(); // 340 > 332
        assertThat(rss.measured()).contains("the 8 MiB beyond the tolerance");
        TargetCheck concurrent = find(checks, "peak RSS, 41 restores from S3");
        assertThat(concurrent.met()).isFalse();
        assertThat(concurrent.measured()).contains("direct memory stayed within B, so the 34 MiB beyond");
    }

    @Test
    void aFailedRunIsNotMeasuredAndSaysWhy() {
        List<TargetCheck> checks = evaluate(oneShot(S3Scenarios.FROM_POSIX, 4.0, 300, 4.0),
                Measurement.failed(S3Scenarios.ONE_SHOT, S3Scenarios.FROM_S3, Scenarios.FILE, 1, 50 * MIB,
                        1024 * MIB, 0, "exit codes [3]"),
                Measurement.failed(S3Scenarios.MANY, S3Scenarios.DAEMON_S3, Scenarios.FILE, 41, 50 * MIB,
                        41 * 1024 * MIB, 0, "the Ceph cluster did not start"));

        assertThat(checks).hasSize(3).allSatisfy(c -> assertThat(c.met()).isNull());
        assertThat(find(checks, "one restore from S3").measured())
                .isEqualTo("failed: agent one-shot: S3: exit codes [3]");
        assertThat(find(checks, "peak RSS, 41 restores from S3").measured())
                .isEqualTo("failed: the Ceph cluster did not start");
    }
}
