package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CinderChecksTest {
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
        // 41 restores of 200 MiB in 8 s: 1.0 GiB/s against 2 cores / 1.72 CPU s/GiB = 1.16 GiB/s
        all.add(new Measurement(CinderScenarios.SEED, "agent", Scenarios.FILE, 41, 200 << 20, 41L * (200 << 20),
                -1, 8.0, 330L << 20, 200L << 20, 15.0, null, null));
        return all;
    }

    private static List<TargetCheck> evaluate(List<Measurement> all) {
        return CinderChecks.evaluate(new Results(BenchPlan.full(12L << 30), all), INPUTS, PLAN, 2);
    }

    @Test
    void aRunAtTheTargetsMeetsEveryOneAndTakesTheFasterSha256AsTheLimit() {
        List<TargetCheck> checks = evaluate(run(2.5));

        assertThat(checks).hasSize(8).allSatisfy(c -> assertThat(c.met()).as(c.target() + ": " + c.measured())
                .isTrue());
        assertThat(checks.get(1).measured()).contains("`openssl dgst -sha256`").contains("1.72");
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
}
