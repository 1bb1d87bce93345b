package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TargetCheckTest {
    private static final long MIB = BenchPlan.MIB;
    private static final BenchPlan PLAN = BenchPlan.full(12L << 30);

    private static Measurement concurrent(String subject, String kind, int n, long rssMib, double mibPerSecond) {
        long bytes = n * 256 * MIB;
        return new Measurement(TargetCheck.CONCURRENT, subject, kind, n, 256 * MIB, bytes, bytes,
                bytes / (double) MIB / mibPerSecond, rssMib * MIB, -1, 1.0, null, null);
    }

    private static Measurement peer(String subject, String kind, double seconds) {
        return new Measurement("peers", subject, kind, 1, 0, 2048 * MIB, 2048 * MIB, seconds, 100 * MIB, -1, 1.0,
                null, null);
    }

    private static List<Measurement> goodRun() {
        List<Measurement> all = new ArrayList<>();
        for (String kind : List.of(Scenarios.RBD, Scenarios.FILE)) {
            all.add(concurrent("agent", kind, 1, 150, 300));
            all.add(concurrent("agent", kind, 4, 300, 500));
            all.add(concurrent("agent", kind, 16, 380, 600));
            all.add(concurrent("agent", kind, 41, 390, 600));
            all.add(concurrent("baseline", kind, 1, 600, 300));
            all.add(concurrent("baseline", kind, 4, 2400, 300));
            all.add(concurrent("baseline", kind, 16, 9000, 300));
            all.add(Measurement.failed(TargetCheck.CONCURRENT, "baseline", kind, 41, 256 * MIB, 41 * 256 * MIB,
                    12L << 30, "killed"));
        }
        all.add(peer("agent: --image FILE.zst", Scenarios.FILE, 2.0));
        all.add(peer("zstd -dc FILE > TARGET", Scenarios.FILE, 1.9));
        all.add(peer("agent: --image FILE.zst", Scenarios.RBD, 2.0));
        all.add(peer("zstdcat FILE | rbd import - IMAGE", Scenarios.RBD, 3.5));
        all.add(peer("rbd import RAW IMAGE", Scenarios.RBD, 1.6));
        all.add(peer("rbd bench (write, 4M, 16 threads)", Scenarios.RBD, 2048 / 750.0));
        return all;
    }

    private static TargetCheck find(List<TargetCheck> checks, String prefix) {
        return checks.stream().filter(c -> c.target().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void judgesEachTargetFromTheRunsItNames() {
        List<TargetCheck> checks = TargetCheck.evaluate(new Results(PLAN, goodRun()));

        assertThat(find(checks, "peak RSS, 41 restores into rbd").met()).isTrue(); // 390 <= 256 + 160
        assertThat(find(checks, "flat in N").met()).isTrue(); // every N of both kinds <= 416
        assertThat(find(checks, "flat in N").measured()).isEqualTo("highest 390 MiB (rbd, N=41, 256 MiB objects)");
        // the baseline survived N=16 at 9000 MiB; the agent had 380 there: 23.7x
        assertThat(find(checks, "peak RSS >= 20x below the baseline at the largest N it survives (rbd)"))
                .satisfies(c -> assertThat(c.met()).isTrue())
                .satisfies(c -> assertThat(c.measured()).startsWith("N=16: baseline 9000 MiB, agent 380 MiB"));
        assertThat(find(checks, "one zstd restore into a file").met()).isTrue(); // 1.9 / 2.0 = 0.95
        assertThat(find(checks, "one restore into RBD >= 1.5x").met()).isTrue(); // 3.5 / 2.0 = 1.75
        assertThat(find(checks, "one restore into RBD >= 0.9x").met()).isFalse(); // 1.6 / 2.0 = 0.8
        assertThat(find(checks, "41 restores into RBD").met()).isFalse(); // 600 < 0.9 x 750
    }

    @Test
    void oneRunAboveTheBoundMakesTheCurveNotFlat() {
        List<Measurement> all = new ArrayList<>(goodRun());
        all.add(concurrent("agent", Scenarios.FILE, 8, 420, 500)); // 420 MiB > 256 + 160
        assertThat(find(TargetCheck.evaluate(new Results(PLAN, all)), "flat in N").met()).isFalse();
    }

    @Test
    void aMissingOrFailedRunIsNotMeasuredRatherThanMet() {
        List<Measurement> all = new ArrayList<>(goodRun());
        all.removeIf(m -> m.subject().equals("baseline"));
        all.replaceAll(m -> m.subject().equals("agent") && m.target().equals(Scenarios.RBD) && m.n() == 41
                ? Measurement.failed(m.scenario(), "agent", Scenarios.RBD, 41, m.objectBytes(), m.bytes(), 0, "boom")
                : m);
        List<TargetCheck> checks = TargetCheck.evaluate(new Results(PLAN, all));

        assertThat(find(checks, "peak RSS, 41 restores into rbd").met()).isNull();
        assertThat(find(checks, "flat in N").met()).isNull();
        assertThat(find(checks, "peak RSS >= 20x below the baseline at the largest N it survives (file)").met())
                .isNull();
        assertThat(find(checks, "41 restores into RBD").met()).isNull();
    }

    private static Measurement budgetRun(long budgetMib, long rssMib, double mibPerSecond) {
        Measurement m = concurrent("agent", Scenarios.RBD, 16, rssMib, mibPerSecond);
        return new Measurement(TargetCheck.BUDGET, TargetCheck.budgetSubject(budgetMib * MIB), m.target(), m.n(),
                m.objectBytes(), m.bytes(), m.writtenBytes(), m.seconds(), m.peakRssBytes(), -1, 1.0, null, null);
    }

    @Test
    void theBaselineRatioAlsoNamesEachSmallerBudgetButIsJudgedAtB() {
        List<Measurement> all = new ArrayList<>(goodRun());
        all.replaceAll(m -> m.subject().equals("agent") && m.n() == 16 ? concurrent("agent", m.target(), 16, 500, 600)
                : m);
        all.addAll(List.of(budgetRun(256, 500, 600), budgetRun(128, 200, 540),
                budgetRun(256, 510, 660), budgetRun(128, 210, 500),
                budgetRun(256, 490, 540), budgetRun(128, 190, 560)));
        TargetCheck check = find(TargetCheck.evaluate(new Results(PLAN, all)),
                "peak RSS >= 20x below the baseline at the largest N it survives (rbd)");

        // 9000 / 500 = 18x at B; at 128 MiB the highest peak of three rounds, 210 MiB, is 42.86x, and the
        // median speeds are 540 against 600; there was no run at 64 MiB
        assertThat(check.met()).isFalse();
        assertThat(check.measured()).isEqualTo("N=16: baseline 9000 MiB, agent 500 MiB (18.00x)"
                + "; at B = 128 MiB: 210 MiB (42.86x), 0.90x the speed");
    }

    @Test
    void theHeadlineTableShowsEveryVerdict() {
        String table = Report.headline("2026-11-22", "full", TargetCheck.evaluate(new Results(PLAN, goodRun())));
        assertThat(table).startsWith("Measured 2026-11-22 (full mode).")
                .contains("| one restore into RBD >= 0.9x `rbd import RAW` | 1024 vs 1280 MiB/s (0.80x) | **no** |")
                .contains("| yes |");
    }
}
