package dev.restoreagent.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The targets of section 6 (backups of Cinder's Ceph driver), each a comparison within one run. */
final class CephChecks {
    /** The concurrent restores' bytes written per second against the cluster's own write benchmark. */
    static final double WRITE_RATE_WANTED = 0.8;
    /** Into a new image: Cinder's export-diff | import-diff time over the agent's. */
    static final double DIFF_PATH_WANTED = 3.0;
    /** Into an image that holds data: Cinder's full copy's time over the agent's. */
    static final double FULL_PATH_WANTED = 5.0;
    /** Into a new image: rbd deep cp's time (within the backup cluster) over the agent's. */
    static final double DEEP_CP_WANTED = 1.0;

    private CephChecks() {}

    /** The verdicts; {@code cores} bounds what the agent's CPU per GiB allows (the OSDs share those cores). */
    static List<TargetCheck> evaluate(Results r, CephPlan plan, int cores) {
        List<TargetCheck> checks = new ArrayList<>();
        Optional<Measurement> ceiling = CinderChecks.median(r, CephScenarios.NEW_IMAGE, CephScenarios.CEILING);
        checks.add(faster(r, CephScenarios.NEW_IMAGE, CephScenarios.CINDER_DIFF, DIFF_PATH_WANTED,
                "into a new image, Cinder's restore (its export-diff | import-diff)", ceiling));
        checks.add(faster(r, CephScenarios.NEW_IMAGE, CephScenarios.DEEP_CP, DEEP_CP_WANTED,
                "into a new image, `rbd deep cp` of the snapshot", ceiling));
        checks.add(faster(r, CephScenarios.HELD, CephScenarios.CINDER_FULL, FULL_PATH_WANTED,
                "into an image that holds data, Cinder's restore (its `_transfer_data` full copy)", Optional.empty()));
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

    /**
     * The agent, through a running daemon (as cinder-backup is a running service), at least {@code wanted} times
     * as fast as {@code peer} in {@code scenario}; the one-shot CLI's ratio beside it. A miss is measured against
     * {@code ceiling}, the target cluster's own write time for the same bytes, where there is one.
     */
    private static TargetCheck faster(Results r, String scenario, String peer, double wanted, String what,
                                      Optional<Measurement> ceiling) {
        String target = f("%s: the agent >= %.1fx as fast", what, wanted);
        Optional<Measurement> daemon = CinderChecks.median(r, scenario, CephScenarios.AGENT_DAEMON);
        Optional<Measurement> oneShot = CinderChecks.median(r, scenario, CephScenarios.AGENT);
        Optional<Measurement> other = CinderChecks.median(r, scenario, peer);
        if (daemon.isEmpty() || other.isEmpty()) {
            return new TargetCheck(target, "not measured: " + (daemon.isEmpty() ? "the agent's daemon run" : peer)
                    + " failed or did not run" + setupNote(r), null);
        }
        double x = other.get().seconds() / daemon.get().seconds();
        String measured = f("%.2f s vs %.2f s through a running daemon (%.2fx)%s", daemon.get().seconds(),
                other.get().seconds(), x, oneShot.map(o -> f("; one-shot, JVM start included, %.2f s (%.2fx)",
                        o.seconds(), other.get().seconds() / o.seconds())).orElse(""));
        if (x < wanted && ceiling.isPresent()) {
            double needed = other.get().seconds() / wanted;
            double floor = ceiling.get().seconds();
            measured += needed < floor
                    ? f("; missed: %.1fx would need %.2f s, less than the volume cluster takes to write the snapshot's"
                    + " bytes at all (`rbd bench`: %.2f s), so no restore into this cluster can; the agent took %.2fx"
                    + " that floor", wanted, needed, floor, daemon.get().seconds() / floor)
                    : f("; missed: %.1fx would need %.2f s; the volume cluster writes the snapshot's bytes in %.2f s"
                    + " (`rbd bench`), the agent took %.2fx that", wanted, needed, floor, daemon.get().seconds() / floor);
        }
        return new TargetCheck(target, measured, x >= wanted);
    }

    private static String setupNote(Results r) {
        String setup = setupFailure(r);
        return setup.equals("not measured") ? "" : " (" + setup + ")";
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
