package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MeasurementTest {
    private static final long MIB = BenchPlan.MIB;

    private static Measurement round(double seconds, long rssMib, long directMib, double cpu) {
        return new Measurement(TargetCheck.CONCURRENT_ROUND, "agent", Scenarios.RBD, 16, 128 * MIB, 2048 * MIB,
                900 * MIB, seconds, rssMib * MIB, directMib * MIB, cpu, null, null);
    }

    @Test
    void roundsSummarizeToTheMedianTimeWithTheHighestPeaks() {
        Measurement summary = Measurement.summaryOf(TargetCheck.CONCURRENT,
                List.of(round(9.4, 330, 190, 8.0), round(4.7, 334, 193, 6.4), round(6.0, 320, 180, 7.0)));

        assertThat(summary.scenario()).isEqualTo(TargetCheck.CONCURRENT);
        assertThat(summary.seconds()).isEqualTo(6.0);
        assertThat(summary.cpuSeconds()).isEqualTo(7.0);
        assertThat(summary.peakRssBytes()).isEqualTo(334 * MIB);
        assertThat(summary.directPeakBytes()).isEqualTo(193 * MIB);
        assertThat(summary.note()).isEqualTo("median of 3 rounds (4.7 to 9.4 s)");
    }

    @Test
    void aFailedRoundFailsTheSummary() {
        Measurement failed = Measurement.failed(TargetCheck.CONCURRENT_ROUND, "agent", Scenarios.RBD, 16, 128 * MIB,
                2048 * MIB, 300 * MIB, "rbd:rbd/x: FAILED boom");
        Measurement summary = Measurement.summaryOf(TargetCheck.CONCURRENT, List.of(round(5.0, 330, 190, 7.0), failed));

        assertThat(summary.ok()).isFalse();
        assertThat(summary.failure()).isEqualTo("rbd:rbd/x: FAILED boom");
        assertThat(summary.scenario()).isEqualTo(TargetCheck.CONCURRENT);
    }
}
