package dev.restoreagent.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The targets for restores from S3 (section 5), each a comparison within one run. */
final class S3Checks {
    static final double SPEED_WANTED = 0.9;
    /**
     * "Same memory": what S3 may add to a one-shot restore's peak. Both restores fill the same budget of direct
     * buffers (the S3 client's receive buffers count in it), so what remains is the SDK's classes, its heap and
     * its connection threads beside the posix path's reads: a few tens of MiB, against the one-shot's whole
     * process of a few hundred. 32 MiB is an eighth of the default budget, below the run-to-run spread of
     * the budget series' peaks.
     */
    static final long RSS_TOLERANCE_BYTES = 32 * BenchPlan.MIB;

    private S3Checks() {}

    static List<TargetCheck> evaluate(Results r, S3Plan plan, int cores) {
        List<TargetCheck> checks = new ArrayList<>();
        Optional<Measurement> posix = CinderChecks.median(r, S3Scenarios.ONE_SHOT, S3Scenarios.FROM_POSIX);
        Optional<Measurement> s3 = CinderChecks.median(r, S3Scenarios.ONE_SHOT, S3Scenarios.FROM_S3);
        String speedTarget = f("one restore from S3 (zlib, %s objects) >= %.1fx the same from posix (one-shot,"
                + " into a file)", TargetCheck.mib(plan.objectBytes()), SPEED_WANTED);
        String rssTarget = f("peak RSS, one restore from S3 <= the same from posix + %s",
                TargetCheck.mib(RSS_TOLERANCE_BYTES));
        if (posix.isEmpty() || s3.isEmpty()) {
            String why = failure(r, S3Scenarios.ONE_SHOT);
            checks.add(new TargetCheck(speedTarget, why, null));
            checks.add(new TargetCheck(rssTarget, why, null));
        } else {
            Measurement p = posix.get();
            Measurement s = s3.get();
            double x = p.seconds() / s.seconds();
            String measured = f("S3 %.2f s vs posix %.2f s (%.2fx)", s.seconds(), p.seconds(), x);
            if (x < SPEED_WANTED) {
                double moreCpu = s.cpuSeconds() - p.cpuSeconds();
                measured += f("; missed: from S3 the agent spent %.2f CPU s/GiB against %.2f from posix (%+.2f s of"
                                + " CPU)", s.cpuSecondsPerGib(), p.cpuSecondsPerGib(), moreCpu);
                if (!Double.isNaN(s.serverCpuSeconds())) {
                    // the gateway serves the bytes on the cores the agent decodes them on: the machine's work
                    // for one S3 restore is the agent's and the gateway's
                    measured += f(", and the gateway (RGW, OSD) %.2f CPU s more on the same %d cores: %.2f CPU s"
                                    + " in all against posix's %.2f, %.2fx the work, where %.1fx speed allows"
                                    + " %.2fx", s.serverCpuSeconds(), cores, s.cpuSeconds() + s.serverCpuSeconds(),
                            p.cpuSeconds(), (s.cpuSeconds() + s.serverCpuSeconds()) / p.cpuSeconds(), SPEED_WANTED,
                            1 / SPEED_WANTED);
                }
                measured += f("; %.1fx would need %.2f s", SPEED_WANTED, p.seconds() / SPEED_WANTED);
                Optional<Measurement> dp = CinderChecks.median(r, S3Scenarios.DAEMON_ONE, S3Scenarios.DAEMON_POSIX);
                Optional<Measurement> ds = CinderChecks.median(r, S3Scenarios.DAEMON_ONE, S3Scenarios.DAEMON_S3);
                if (dp.isPresent() && ds.isPresent()) {
                    measured += f("; through a running daemon (no JVM start) S3 %.2f s vs posix %.2f s"
                                    + " (%.2fx), CPU %.2f vs %.2f s", ds.get().seconds(), dp.get().seconds(),
                            dp.get().seconds() / ds.get().seconds(), ds.get().cpuSeconds(), dp.get().cpuSeconds());
                    if (!Double.isNaN(ds.get().serverCpuSeconds())) {
                        measured += f(" (+ gateway %.2f)", ds.get().serverCpuSeconds());
                    }
                }
            }
            checks.add(new TargetCheck(speedTarget, measured, x >= SPEED_WANTED));
            long sPeak = highestPeak(r, S3Scenarios.ONE_SHOT, S3Scenarios.FROM_S3);
            long pPeak = highestPeak(r, S3Scenarios.ONE_SHOT, S3Scenarios.FROM_POSIX);
            boolean met = sPeak <= pPeak + RSS_TOLERANCE_BYTES;
            String rss = f("S3 %s vs posix %s (%+d MiB; highest of each over the rounds)", TargetCheck.mib(sPeak),
                    TargetCheck.mib(pPeak), (sPeak - pPeak) >> 20);
            if (!met) {
                rss += f("; missed: both fill the same budget B = %s, so the %d MiB beyond the tolerance are the S3"
                        + " client's heap, classes and threads", TargetCheck.mib(r.plan().budgetBytes()),
                        (sPeak - pPeak - RSS_TOLERANCE_BYTES) >> 20);
            }
            checks.add(new TargetCheck(rssTarget, rss, met));
        }
        long limit = r.plan().budgetBytes() + 160 * BenchPlan.MIB;
        String manyTarget = f("peak RSS, %d restores from S3 through one daemon <= B + 160 MiB = %d MiB", plan.n(),
                limit >> 20);
        Optional<Measurement> many = r.all().stream().filter(m -> m.scenario().equals(S3Scenarios.MANY)).findFirst();
        if (many.isEmpty() || !many.get().ok()) {
            checks.add(new TargetCheck(manyTarget, many.map(m -> "failed: " + m.failure()).orElse("not measured"),
                    null));
        } else {
            Measurement m = many.get();
            boolean met = m.peakRssBytes() <= limit;
            String measured = f("%s (direct peak %s), %.0f MiB/s aggregate", TargetCheck.mib(m.peakRssBytes()),
                    m.directPeakBytes() < 0 ? "-" : TargetCheck.mib(m.directPeakBytes()), m.mibPerSecond());
            if (!met) {
                measured += m.directPeakBytes() > r.plan().budgetBytes()
                        ? f("; missed: direct memory peaked %d MiB above B: the budget did not hold",
                        (m.directPeakBytes() - r.plan().budgetBytes()) >> 20)
                        : f("; missed: direct memory stayed within B, so the %d MiB beyond B + 160 MiB are heap,"
                        + " classes and the S3 client's threads and connections", (m.peakRssBytes() - limit) >> 20);
            }
            checks.add(new TargetCheck(manyTarget, measured, met));
        }
        return checks;
    }

    private static long highestPeak(Results r, String scenario, String subject) {
        return r.all().stream().filter(m -> m.scenario().equals(scenario) && m.subject().equals(subject))
                .mapToLong(Measurement::peakRssBytes).max().orElse(0);
    }

    private static String failure(Results r, String scenario) {
        return r.all().stream().filter(m -> m.scenario().equals(scenario) && !m.ok())
                .map(m -> "failed: " + m.subject() + ": " + m.failure()).findFirst().orElse("not measured");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
