package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CinderChecksTest {
    private static final String FLAT = "the 41 seed restores' memory beyond the budget flat in N";

    private static final long GIB = BenchPlan.GIB;
    private static final CinderPlan PLAN = CinderPlan.full();
    private static final List<CinderData.Input> INPUTS = List.of(input("zlib"), input("zstd"), input("bz2"));

    private static CinderData.Input input(String codec) {
        return new CinderData.Input(codec + ", " + CinderData.MIXED.label(), codec, CinderData.MIXED, null, null, null);
    }

    private static Measurement row(String scenario, String subject, double seconds, double cpuSeconds) {
        return new Measurement(scenario, subject, Scenarios.FILE, 1, 256 << 20, GIB, GIB, seconds, 300L << 20, -1,
                cpuSeconds, null, null);
    }

    private static List<Measurement> run(double zlibAgentSeconds) {
        List<Measurement> all = new ArrayList<>();
        double[] cinderSeconds = {7.9, 5.3, 44.5};
        double[] limits = {0.74, 0.67, 43.0};
        for (int i = 0; i < INPUTS.size(); i++) {
            String label = INPUTS.get(i).label();
            double agent = i == 0 ? zlibAgentSeconds : cinderSeconds[i] / 3;
            all.add(row(CinderScenarios.CINDER, CinderScenarios.subject(CinderScenarios.AGENT_ONE_SHOT, label), agent,
                    2 * agent));
            all.add(row(CinderScenarios.CINDER, CinderScenarios.subject(CinderScenarios.AGENT_DAEMON, label), agent,
                    1.2 * (limits[i] + 0.98)));
            all.add(row(CinderScenarios.CINDER, CinderScenarios.subject(CinderScenarios.CINDER_STEP, label),
                    cinderSeconds[i], cinderSeconds[i]));
            all.add(row(CinderScenarios.LIMIT, CinderChecks.LIMIT_DECODER.get(INPUTS.get(i).codec()), limits[i],
                    limits[i]));
        }
        all.add(row(CinderScenarios.LIMIT, CinderScenarios.SHA256SUM, 4.4, 4.4));
        all.add(row(CinderScenarios.LIMIT, CinderScenarios.OPENSSL_SHA256, 0.98, 0.98));
        // 41 restores of 200 MiB in 8 s: 1.0 GiB/s against 2 cores / 1.72 CPU s/GiB = 1.16 GiB/s; the disk's 2 GiB/s
        all.add(disk(4.0));
        all.add(seed(1, 300, 40));
        all.add(new Measurement(CinderScenarios.SEED, "agent", Scenarios.FILE, 41, 200 << 20, 41L * (200 << 20),
                -1, 8.0, 330L << 20, 200L << 20, 15.0, null, null));
        all.addAll(day(320, 330, 330, 340));
        all.add(new Measurement(ColdStart.COLD, ColdStart.VERSION, "-", 1, 0, 0, -1, 0.2, 50L << 20, -1, 0.3, null,
                "the median of 5 runs"));
        all.add(row(ColdStart.COLD, ColdStart.FIRST, 2.2, 2.4));
        all.add(row(ColdStart.COLD, ColdStart.SECOND, 2.0, 2.1));
        return all;
    }

    // the disk's rate for the 41 restores' bytes (8.0 GiB of volumes) in {@code seconds}
    private static Measurement disk(double seconds) {
        return new Measurement(CinderScenarios.LIMIT, CinderScenarios.DISK_RATE + " 41 x dd conv=fsync of the non-zero"
                + " bytes", Scenarios.FILE, 41, 0, 41L * (200 << 20), 41L * (160 << 20), seconds, -1, -1, 3.0, null, null);
    }

    private static Measurement seed(int n, long peakMib, long directMib) {
        return new Measurement(CinderScenarios.SEED, "agent", Scenarios.FILE, n, 200 << 20, n * (200L << 20), -1,
                1.0, peakMib << 20, directMib << 20, 1.5, null, null);
    }

    // one row a phase with the daemon's lifetime peak after it; its direct peak 230 MiB, 31 threads at the end
    private static List<Measurement> day(long... peaksMib) {
        List<Measurement> phases = new ArrayList<>();
        for (int i = 0; i < peaksMib.length; i++) {
            phases.add(new Measurement(DaemonDay.DAY, (i + 1) + ". phase", Scenarios.FILE, 20, 256 << 20, 20 * GIB,
                    -1, 30.0, peaksMib[i] << 20, 230L << 20, 50.0, null, "-Xmx256m", 180L << 20, 31));
        }
        return phases;
    }

    private static TargetCheck check(List<TargetCheck> checks, String targetStart) {
        return checks.stream().filter(c -> c.target().startsWith(targetStart)).findFirst().orElseThrow();
    }

    private static List<TargetCheck> evaluate(List<Measurement> all) {
        return CinderChecks.evaluate(new Results(BenchPlan.full(12L << 30), all), INPUTS, PLAN, 2);
    }

    @Test
    void aRunAtTheTargetsMeetsEveryOneAndTakesTheFasterSha256AsTheLimit() {
        List<TargetCheck> checks = evaluate(run(2.5));

        assertThat(checks).hasSize(13).allSatisfy(c -> assertThat(c.met()).as(c.target() + ": " + c.measured())
                .isTrue());
        assertThat(checks.get(1).measured()).contains("`openssl dgst -sha256`").contains("1.72");
    }

    @Test
    void theSeedIsJudgedAgainstTheCoresWhenTheDiskIsFaster() {
        TargetCheck seed = check(evaluate(run(2.5)), "41 seed restores (zlib, one object each)");

        assertThat(seed.met()).isTrue();
        assertThat(seed.measured()).isEqualTo("1.00 GiB/s vs 1.16 (0.86x): the cores' limit; the cores' 1.16 GiB/s,"
                + " the disk's 2.00; the agent spent 1.87 CPU s/GiB");
    }

    @Test
    void theSeedIsJudgedAgainstTheDiskWhenItIsSlower() {
        List<Measurement> all = run(2.5);
        all.removeIf(m -> m.subject().startsWith(CinderScenarios.DISK_RATE));
        all.add(disk(10.0));

        TargetCheck seed = check(evaluate(all), "41 seed restores (zlib, one object each)");

        // 1.0 GiB/s against the disk's 0.8: above it, as the restores skip nothing more than dd wrote
        assertThat(seed.met()).isTrue();
        assertThat(seed.measured()).startsWith("1.00 GiB/s vs 0.80 (1.25x): the disk's limit;");
    }

    @Test
    void theSeedWithoutTheDiskRateIsNotMeasured() {
        List<Measurement> all = run(2.5);
        all.removeIf(m -> m.subject().startsWith(CinderScenarios.DISK_RATE));

        assertThat(check(evaluate(all), "41 seed restores (zlib, one object each)").met()).isNull();
    }

    @Test
    void aOneShotFarFromTheWarmDaemonMissesWithTheCpuItSpentMore() {
        TargetCheck oneShot = check(evaluate(run(3.0)), "a one-shot zlib restore");

        assertThat(oneShot.met()).isFalse();
        assertThat(oneShot.measured()).isEqualTo("3.00 s vs 2.00 s (1.50x); CPU 6.00 vs 2.10 s; missed: the one-shot"
                + " spent 3.90 CPU s more (the JVM's start, its compilers, a data path run interpreted until"
                + " compiled); 1.35x would need 2.70 s");
    }

    @Test
    void coldStartRowsNotThereAreNotMeasured() {
        List<Measurement> all = run(2.5);
        all.removeIf(m -> m.scenario().equals(ColdStart.COLD));

        List<TargetCheck> checks = evaluate(all);

        assertThat(check(checks, "`restore-agent --version`").met()).isNull();
        assertThat(check(checks, "a one-shot zlib restore").met()).isNull();
        assertThat(check(checks, "a daemon's first restore").met()).isNull();
    }

    @Test
    void aSlowZlibRestoreMissesWithItsReason() {
        TargetCheck zlib = evaluate(run(3.0)).get(0);

        assertThat(zlib.met()).isFalse();
        assertThat(zlib.measured()).contains("(2.63x)").contains("missed: ").contains("3.0x would need 2.63 s");
    }

    @Test
    void aFailedCinderRunIsNotMeasuredRatherThanMissed() {
        List<Measurement> all = run(2.5);
        all.removeIf(m -> m.subject().equals(CinderScenarios.subject(CinderScenarios.CINDER_STEP,
                INPUTS.get(2).label())));

        TargetCheck bz2 = evaluate(all).get(4);

        assertThat(bz2.met()).isNull();
        assertThat(bz2.measured()).isEqualTo("not measured (a run failed)");
    }

    @Test
    void aDayWithinBPlus96MiBMeetsItsTargetAndSaysWhatTheDaemonHeldAtItsEnd() {
        TargetCheck day = check(evaluate(run(2.5)), "a daemon's mixed day");

        assertThat(day.target()).isEqualTo("a daemon's mixed day (twenty 1 GiB restores, the 41 seed restores, twice)"
                + " at B = 256 MiB: lifetime peak RSS <= B + 96 MiB");
        assertThat(day.met()).isTrue();
        assertThat(day.measured()).isEqualTo("340 MiB at the day's end, 330 MiB after its first round; at its end RSS"
                + " 180 MiB, 31 threads");
    }

    @Test
    void aDayAboveBPlus96MiBMissesWithWhatTheSecondRoundAddedAndWhatLayOutsideTheBudget() {
        List<Measurement> all = run(2.5);
        all.removeIf(m -> m.scenario().equals(DaemonDay.DAY));
        all.addAll(day(320, 330, 360, 370));

        TargetCheck day = check(evaluate(all), "a daemon's mixed day");

        assertThat(day.met()).isFalse();
        assertThat(day.measured()).contains("370 MiB at the day's end, 330 MiB after its first round")
                .contains("missed by 18 MiB: the second round added 40 MiB to the first's peak")
                .contains("at least 140 MiB of the peak lay outside the budget");
    }

    @Test
    void aDayWithAFailedPhaseIsNotMeasuredRatherThanMissed() {
        List<Measurement> all = run(2.5);
        all.add(Measurement.failed(DaemonDay.DAY, "5. phase", Scenarios.FILE, 41, 0, 0, 0, "md5 differs"));

        TargetCheck day = check(evaluate(all), "a daemon's mixed day");

        assertThat(day.met()).isNull();
        assertThat(day.measured()).isEqualTo("failed: 5. phase: md5 differs");
    }

    @Test
    void seedRestoresAtMost32MiBAboveOneBeyondTheBudgetAreFlatInN() {
        List<Measurement> all = run(2.5);
        all.removeIf(m -> m.scenario().equals(CinderScenarios.SEED) && m.n() == 1);
        all.add(seed(1, 110, 10));

        TargetCheck flat = check(evaluate(all), FLAT);

        assertThat(flat.target()).isEqualTo("the 41 seed restores' memory beyond the budget flat in N: peak RSS less"
                + " the direct-memory peak, N = 41 at most 32 MiB above N = 1");
        assertThat(flat.met()).isTrue();
        assertThat(flat.measured()).isEqualTo("N = 1: 100 MiB beyond 10 MiB of direct memory (peak RSS 110 MiB);"
                + " N = 41: 130 MiB beyond 200 MiB (peak RSS 330 MiB); +30 MiB");
    }

    @Test
    void seedRestoresAboveOneByTheBudgetInUseAreFlat() {
        List<Measurement> all = run(2.5);
        all.removeIf(m -> m.scenario().equals(CinderScenarios.SEED) && m.n() == 1);
        all.add(seed(1, 150, 20));

        TargetCheck flat = check(evaluate(all), FLAT);

        // 180 MiB more at its peak, all of it the budget's buffers
        assertThat(flat.met()).isTrue();
        assertThat(flat.measured()).isEqualTo("N = 1: 130 MiB beyond 20 MiB of direct memory (peak RSS 150 MiB);"
                + " N = 41: 130 MiB beyond 200 MiB (peak RSS 330 MiB); +0 MiB");
    }

    @Test
    void seedRestoresFarAboveOneBeyondTheBudgetMiss() {
        List<Measurement> all = run(2.5);
        all.removeIf(m -> m.scenario().equals(CinderScenarios.SEED) && m.n() == 1);
        all.add(seed(1, 250, 190));

        TargetCheck flat = check(evaluate(all), FLAT);

        assertThat(flat.met()).isFalse();
        assertThat(flat.measured()).isEqualTo("N = 1: 60 MiB beyond 190 MiB of direct memory (peak RSS 250 MiB);"
                + " N = 41: 130 MiB beyond 200 MiB (peak RSS 330 MiB); +70 MiB; missed by 38 MiB: 41 restores' heap,"
                + " threads and native memory beyond one's");
    }

    @Test
    void seedRestoresWithoutTheirNOf1AreNotMeasured() {
        List<Measurement> all = run(2.5);
        all.removeIf(m -> m.scenario().equals(CinderScenarios.SEED) && m.n() == 1);

        TargetCheck flat = check(evaluate(all), FLAT);

        assertThat(flat.met()).isNull();
        assertThat(flat.measured()).isEqualTo("not measured");
    }
}
