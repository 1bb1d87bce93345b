package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CephReportTest {
    private static final long MIB = BenchPlan.MIB;
    private static final BenchPlan PLAN = BenchPlan.quick(12L << 30);
    private static final CephPlan CEPH = CephPlan.quick();

    private static Measurement row(String scenario, String subject, double seconds, double cpu, long rssMib,
                                   String note) {
        return new Measurement(scenario, subject, Scenarios.RBD, 1, 0, 1024 * MIB, -1, seconds, rssMib * MIB, -1, cpu,
                null, note);
    }

    private static String section(Measurement... rows) {
        return CephReport.section(new Results(PLAN, new ArrayList<>(List.of(rows))), CEPH);
    }

    @Test
    void eachRowGivesItsRatiosToTheAgentsOneShotAndDaemon() {
        String md = section(row(CephScenarios.NEW_IMAGE, CephScenarios.AGENT, 4.0, 4.0, 150, null),
                row(CephScenarios.NEW_IMAGE, CephScenarios.AGENT_DAEMON, 2.0, 2.0, 300, null),
                row(CephScenarios.NEW_IMAGE, CephScenarios.CINDER_DIFF, 3.0, 1.0, 360, "the step only"),
                row(CephScenarios.HELD, CephScenarios.CINDER_FULL, 20.0, 10.0, 570,
                        "the step only; peak RSS: Python 570 MiB (160 MiB before the step) + 0 rbd processes 0 MiB"));

        assertThat(md).contains("| Cinder's restore: export-diff \\| import-diff | 3.00 | 341 | 1.00 | 360 MiB |"
                + " 0.75, 1.50 | 0.25, 0.50 | 2.40, 1.20 | ok | the step only |");
        // no agent rows in 6b: no ratios
        assertThat(md).contains("| Cinder's restore: _transfer_data full copy | 20.00 | 51 | 10.00 | 570 MiB | -, - |");
        assertThat(md).contains("41 such restores as 41 processes: 41 × 570 MiB = 23370 MiB; in one cinder-backup"
                + " process (greenthreads, each restore holding its own 128 MiB chunks): 160 MiB + 41 × 410 MiB ="
                + " 16970 MiB");
    }

    @Test
    void aFailedRunOrSetUpSaysWhy() {
        String md = section(Measurement.failed(CephScenarios.NEW_IMAGE, CephScenarios.RBD_DIFF, Scenarios.RBD, 1, 0,
                        1024 * MIB, 0, "restored data differ: sha256 a|b"),
                Measurement.failed(CephScenarios.SETUP, "section 6", Scenarios.RBD, 1, 0, 0, 0, "no cluster"));

        assertThat(md).contains("| rbd export-diff SNAP - \\| rbd import-diff - NEW | - | - | - | - | - | - | - |"
                + " failed: restored data differ: sha256 a\\|b | |");
        assertThat(md).contains("\nFailed: no cluster\n").doesNotContain("Projection");
    }
}
