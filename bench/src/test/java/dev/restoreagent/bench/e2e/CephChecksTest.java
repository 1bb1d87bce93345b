package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CephChecksTest {
    private static final long MIB = BenchPlan.MIB;
    private static final BenchPlan PLAN = BenchPlan.quick(12L << 30); // B = 256 MiB
    private static final CephPlan CEPH = CephPlan.quick();

    private static Measurement many(long rssMib, long directMib, long writtenMib, double seconds) {
        return new Measurement(CephScenarios.MANY, CephScenarios.AGENT_MANY, Scenarios.FILE, 41, 0,
                41 * 1024 * MIB, writtenMib * MIB, seconds, rssMib * MIB, directMib * MIB, 20.0, null, null);
    }

    private static Measurement bench(long totalMib, double seconds) {
        return new Measurement(CephScenarios.MANY, CephScenarios.RBD_BENCH, Scenarios.RBD, 1, 0, totalMib * MIB,
                totalMib * MIB, seconds, 80 * MIB, -1, 3.0, null, null);
    }

    private static List<TargetCheck> evaluate(Measurement... runs) {
        return CephChecks.evaluate(new Results(PLAN, new ArrayList<>(List.of(runs))), CEPH, 2);
    }

    /** The checks of the concurrent restores: peak RSS, then the write rate (the comparisons of one come first). */
    private static List<TargetCheck> manyChecks(Measurement... runs) {
        List<TargetCheck> all = evaluate(runs);
        return all.subList(all.size() - 2, all.size());
    }

    private static Measurement one(String scenario, String subject, double seconds) {
        return new Measurement(scenario, subject, Scenarios.RBD, 1, 0, 1024 * MIB, 288 * MIB, seconds, 150 * MIB, -1,
                1.0, null, null);
    }

    @Test
    void theOneRestoreComparisonsTakeTheRunningDaemonAndSayTheOneShot() {
        List<TargetCheck> checks = evaluate(one(CephScenarios.NEW_IMAGE, CephScenarios.AGENT_DAEMON, 0.5),
                one(CephScenarios.NEW_IMAGE, CephScenarios.AGENT, 1.5),
                one(CephScenarios.NEW_IMAGE, CephScenarios.CINDER_DIFF, 2.0),
                one(CephScenarios.NEW_IMAGE, CephScenarios.DEEP_CP, 2.5),
                one(CephScenarios.HELD, CephScenarios.AGENT_DAEMON, 1.0),
                one(CephScenarios.HELD, CephScenarios.CINDER_FULL, 12.0));

        assertThat(checks).hasSize(5);
        assertThat(checks.get(0).target()).isEqualTo("into a new image, Cinder's restore (its export-diff |"
                + " import-diff): the agent >= 3.0x as fast");
        assertThat(checks.get(0).met()).isTrue();
        assertThat(checks.get(0).measured()).isEqualTo("0.50 s vs 2.00 s through a running daemon (4.00x); one-shot,"
                + " JVM start included, 1.50 s (1.33x)");
        assertThat(checks.get(1).met()).isTrue();
        assertThat(checks.get(2).met()).isTrue(); // 12x
        assertThat(checks.get(2).measured()).startsWith("1.00 s vs 12.00 s through a running daemon (12.00x)");
    }

    @Test
    void aMissBelowTheClustersOwnWriteTimeSaysNoRestoreCouldMeetIt() {
        List<TargetCheck> checks = evaluate(one(CephScenarios.NEW_IMAGE, CephScenarios.AGENT_DAEMON, 1.8),
                one(CephScenarios.NEW_IMAGE, CephScenarios.CINDER_DIFF, 2.1),
                one(CephScenarios.NEW_IMAGE, CephScenarios.CEILING, 1.6));

        assertThat(checks.get(0).met()).isFalse();
        assertThat(checks.get(0).measured()).endsWith("missed: 3.0x would need 0.70 s, less than the volume cluster"
                + " takes to write the snapshot's bytes at all (`rbd bench`: 1.60 s), so no restore into this cluster"
                + " can; the agent took 1.13x that floor");
        assertThat(checks.get(1).met()).as("deep cp did not run").isNull();
        assertThat(checks.get(1).measured()).isEqualTo("not measured: rbd deep cp SNAP NEW (backup cluster) failed or"
                + " did not run");
    }

    @Test
    void theDaemonsPeakAndItsWriteRateAgainstRbdBenchDecide() {
        List<TargetCheck> checks = manyChecks(many(400, 250, 11520, 30.0), bench(11520, 25.0));

        assertThat(checks).hasSize(2);
        assertThat(checks.get(0).target())
                .isEqualTo("peak RSS, 41 restores of a Ceph-driver backup through one daemon <= B + 160 MiB = 416 MiB");
        assertThat(checks.get(0).met()).isTrue();
        assertThat(checks.get(0).measured()).isEqualTo("400 MiB (direct peak 250 MiB)");
        assertThat(checks.get(1).met()).isTrue(); // 384 vs 461 MiB/s: 0.83x
        assertThat(checks.get(1).measured()).isEqualTo("384 vs 461 MiB/s (0.83x); the agent 1399 MiB/s counting the"
                + " volumes' holes too, 1.78 CPU s/GiB written (rbd bench 0.27)");
    }

    @Test
    void aMissSaysWhatWouldHaveMetIt() {
        List<TargetCheck> checks = manyChecks(many(450, 250, 11520, 60.0), bench(11520, 24.0));

        assertThat(checks.get(0).met()).isFalse();
        assertThat(checks.get(0).measured()).endsWith("the 34 MiB beyond B + 160 MiB are heap, classes, threads"
                + " and librados/librbd's own");
        assertThat(checks.get(1).met()).isFalse(); // 192 vs 480 MiB/s
        // 20 CPU s on 2 cores fit in 30 s: no word on CPU
        assertThat(checks.get(1).measured()).contains("(0.40x)").endsWith("0.8x would need 30.0 s for the 11520 MiB"
                + " written");
    }

    @Test
    void aMissTheAgentsCpuAloneExplainsSaysSo() {
        Measurement busy = new Measurement(CephScenarios.MANY, CephScenarios.AGENT_MANY, Scenarios.FILE, 41, 0,
                41 * 1024 * MIB, 10240 * MIB, 80.0, 400 * MIB, 238 * MIB, 90.0, null, null);

        TargetCheck rate = manyChecks(busy, bench(10240, 20.0)).get(1);

        assertThat(rate.met()).isFalse();
        assertThat(rate.measured()).isEqualTo("128 vs 512 MiB/s (0.25x); the agent 525 MiB/s counting the volumes'"
                + " holes too, 9.00 CPU s/GiB written (rbd bench 0.30); missed: 0.8x would need 25.0 s for the 10240"
                + " MiB written, while the agent's own 90.0 CPU s take 45.0 s on all 2 cores, the OSDs' share aside");
    }

    @Test
    void aFailedRunOrSetUpIsNotMeasuredNotMissed() {
        Measurement failed = Measurement.failed(CephScenarios.MANY, CephScenarios.AGENT_MANY, Scenarios.FILE, 41, 0,
                0, 0, "restored data differ");
        assertThat(manyChecks(failed)).allSatisfy(c -> {
            assertThat(c.met()).isNull();
            assertThat(c.measured()).isEqualTo("failed: restored data differ");
        });
        Measurement setup = Measurement.failed(CephScenarios.SETUP, "section 6", Scenarios.RBD, 1, 0, 0, 0,
                "the Ceph cluster did not start");
        assertThat(manyChecks(setup)).allSatisfy(c -> assertThat(c.measured())
                .isEqualTo("failed: the Ceph cluster did not start"));
        assertThat(evaluate(setup)).allSatisfy(c -> {
            assertThat(c.met()).isNull();
            assertThat(c.measured()).contains("the Ceph cluster did not start");
        });
        assertThat(manyChecks(many(400, 250, 11520, 30.0)).get(1).met()).isNull();
    }

    @Test
    void theCinderRowsNoteGivesItsPeakBeforeTheStep() {
        Measurement cinder = new Measurement(CephScenarios.HELD, CephScenarios.CINDER_FULL, Scenarios.RBD, 1, 0, 0,
                -1, 20.0, 470 * MIB, -1, 10.0, null, "the step only; peak RSS: Python 470 MiB (163 MiB before the"
                + " step) + 0 rbd processes 0 MiB; CPU: Python 10.00 s + rbd 0.00 s");
        assertThat(CephReport.pythonBefore(cinder)).isEqualTo(163 * MIB);
    }
}
