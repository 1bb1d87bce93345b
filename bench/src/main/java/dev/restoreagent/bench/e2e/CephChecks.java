package dev.restoreagent.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The targets of section 6 (backups of Cinder's Ceph driver), each a comparison within one run. */
final class CephChecks {
    /** The concurrent restores' bytes written per second against the cluster's own write benchmark. */
    static final double WRITE_RATE_WANTED = 0.8;

    private CephChecks() {}

    /** The verdicts; {@code cores} bounds what the agent's CPU per GiB allows (the OSDs share those cores). */
    static List<TargetCheck> evaluate(Results r, CephPlan plan, int cores) {
        List<TargetCheck> checks = new ArrayList<>();
        long limit = r.plan().budgetBytes() + 160 * BenchPlan.MIB;
        String rssTarget = f("peak RSS, %d restores of a Ceph-driver backup through one daemon <= B + 160 MiB = %d"
                + " MiB", plan.n(), limit >> 20);
        String rateTarget = f("%d restores of a Ceph-driver backup, bytes written per second >= %.1fx `rbd bench`"
                + " write (4M) of the same total", plan.n(), WRITE_RATE_WANTED);
        Optional<Measurement> many = find(r, CephScenarios.AGENT_MANY);
        Optional<Measurement> bench = find(r, CephScenarios.RBD_BENCH);
        if (many.isEmpty() || !many.get().ok()) {
            String why = many.map(m -> "failed: " + m.failure()).orElse(setupFailure(r));
            checks.add(new TargetCheck(rssTarget, why, null));
            checks.add(new TargetCheck(rateTarget, why, null));
            return checks;
        }
        Measurement m = many.get();
        boolean rssMet = m.peakRssBytes() <= limit;
        String rss = f("%s (direct peak %s)", TargetCheck.mib(m.peakRssBytes()),
                m.directPeakBytes() < 0 ? "-" : TargetCheck.mib(m.directPeakBytes()));
        if (!rssMet) {
            rss += m.directPeakBytes() > r.plan().budgetBytes()
                    ? f("; missed: direct memory peaked %d MiB above B: the budget did not hold",
                    (m.directPeakBytes() - r.plan().budgetBytes()) >> 20)
                    : f("; missed: direct memory stayed within B, so the %d MiB beyond B + 160 MiB are heap, classes,"
                    + " threads and librados/librbd's own", (m.peakRssBytes() - limit) >> 20);
        }
        checks.add(new TargetCheck(rssTarget, rss, rssMet));
        if (bench.isEmpty() || !bench.get().ok()) {
            checks.add(new TargetCheck(rateTarget, bench.map(b -> "rbd bench failed: " + b.failure())
                    .orElse("rbd bench not measured"), null));
            return checks;
        }
        Measurement b = bench.get();
        double x = m.writtenMibPerSecond() / b.writtenMibPerSecond();
        double cpuPerGib = m.cpuSeconds() / (m.writtenBytes() / (double) BenchPlan.GIB);
        String rate = f("%.0f vs %.0f MiB/s (%.2fx); the agent %.0f MiB/s counting the volumes' holes too, %.2f CPU"
                        + " s/GiB written (rbd bench %.2f)", m.writtenMibPerSecond(), b.writtenMibPerSecond(), x,
                m.mibPerSecond(), cpuPerGib, b.cpuSeconds() / (b.bytes() / (double) BenchPlan.GIB));
        if (x < WRITE_RATE_WANTED) {
            double wanted = b.seconds() * m.writtenBytes() / b.bytes() / WRITE_RATE_WANTED;
            rate += f("; missed: %.1fx would need %.1f s for the %s written", WRITE_RATE_WANTED, wanted,
                    TargetCheck.mib(m.writtenBytes()));
            double cpuBound = m.cpuSeconds() / cores;
            if (cpuBound > wanted) {
                rate += f(", while the agent's own %.1f CPU s take %.1f s on all %d cores, the OSDs' share aside",
                        m.cpuSeconds(), cpuBound, cores);
            }
        }
        checks.add(new TargetCheck(rateTarget, rate, x >= WRITE_RATE_WANTED));
        return checks;
    }

    private static Optional<Measurement> find(Results r, String subject) {
        return r.all().stream().filter(m -> m.scenario().equals(CephScenarios.MANY) && m.subject().equals(subject))
                .findFirst();
    }

    private static String setupFailure(Results r) {
        return r.all().stream().filter(m -> m.scenario().equals(CephScenarios.SETUP))
                .map(m -> "failed: " + m.failure()).findFirst().orElse("not measured");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
