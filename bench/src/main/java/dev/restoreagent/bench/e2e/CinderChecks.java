package dev.restoreagent.bench.e2e;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The targets against Cinder's own code and the hardware, each a ratio within one run. */
final class CinderChecks {
    /** The decoder that is each codec's limit here. */
    static final Map<String, String> LIMIT_DECODER = Map.of("zlib", "igzip -dc", "zstd", "zstd -dc",
            "bz2", "bzip2 -dc");
    private static final Map<String, Double> SPEEDUP_WANTED = Map.of("zlib", 3.0, "zstd", 2.5, "bz2", 1.8);
    private static final double CPU_WANTED = 1.3;
    private static final double SEED_WANTED = 0.7;
    private static final double VERSION_WANTED_SECONDS = 0.25;
    private static final double ONE_SHOT_WANTED = 1.35;
    private static final double FIRST_WANTED = 1.15;
    /** What N seed restores at once may add to one restore's peak RSS. */
    private static final long SEED_FLAT_BYTES = 32 * BenchPlan.MIB;
    /** A daemon's lifetime peak RSS over its mixed day may pass B by this much: its JVM, threads and native memory. */
    private static final long DAY_HEADROOM_BYTES = 96 * BenchPlan.MIB;

    private CinderChecks() {}

    /** The median round of {@code subject} in {@code scenario}; empty if there is none or one failed. */
    static Optional<Measurement> median(Results r, String scenario, String subject) {
        List<Measurement> rounds = r.all().stream().filter(m -> m.scenario().equals(scenario)
                && m.subject().equals(subject)).toList();
        if (rounds.isEmpty() || rounds.stream().anyMatch(m -> !m.ok())) {
            return Optional.empty();
        }
        List<Measurement> byTime = Measurement.byTime(rounds);
        return Optional.of(byTime.get(byTime.size() / 2));
    }

    /** The verdicts, the inputs' rows looked up by their labels in {@code r}. */
    static List<TargetCheck> evaluate(Results r, List<CinderData.Input> compared, CinderPlan plan, int cores) {
        List<TargetCheck> checks = new ArrayList<>();
        // the hardware's sha256: the faster of the two commands (Debian's sha256sum does not use SHA-NI)
        Optional<Measurement> sha = Stream.of(CinderScenarios.SHA256SUM,
                        CinderScenarios.OPENSSL_SHA256).map(c -> median(r, CinderScenarios.LIMIT, c))
                .flatMap(Optional::stream).min(Comparator.comparingDouble(Measurement::cpuSecondsPerGib));
        for (CinderData.Input input : compared) {
            if (input.shape() != CinderData.MIXED) {
                continue;
            }
            double wanted = SPEEDUP_WANTED.get(input.codec());
            Optional<Measurement> agent = median(r, CinderScenarios.CINDER,
                    CinderScenarios.subject(CinderScenarios.AGENT_ONE_SHOT, input.label()));
            Optional<Measurement> daemon = median(r, CinderScenarios.CINDER,
                    CinderScenarios.subject(CinderScenarios.AGENT_DAEMON, input.label()));
            Optional<Measurement> cinder = median(r, CinderScenarios.CINDER,
                    CinderScenarios.subject(CinderScenarios.CINDER_STEP, input.label()));
            String target = String.format(Locale.ROOT, "one %s restore (%s) >= %.1fx Cinder's own restore step",
                    input.codec(), input.shape().label(), wanted);
            if (agent.isEmpty() || cinder.isEmpty()) {
                checks.add(new TargetCheck(target, "not measured (a run failed)", null));
            } else {
                double x = cinder.get().seconds() / agent.get().seconds();
                String measured = f("agent one-shot %.2f s vs Cinder %.2f s (%.2fx)", agent.get().seconds(),
                        cinder.get().seconds(), x);
                if (x < wanted) {
                    measured += "; missed: " + speedReason(agent.get(), daemon, cinder.get(), wanted);
                }
                checks.add(new TargetCheck(target, measured, x >= wanted));
            }
            String decoder = LIMIT_DECODER.get(input.codec());
            Optional<Measurement> limit = median(r, CinderScenarios.LIMIT, decoder);
            String cpuTarget = f("agent's CPU s/GiB, %s, <= %.1fx (`%s` + sha256) of the same data",
                    input.codec(), CPU_WANTED, decoder);
            if (daemon.isEmpty() || limit.isEmpty() || sha.isEmpty()) {
                checks.add(new TargetCheck(cpuTarget, "not measured (a run failed)", null));
            } else {
                double bound = limit.get().cpuSecondsPerGib() + sha.get().cpuSecondsPerGib();
                double x = daemon.get().cpuSecondsPerGib() / bound;
                String measured = f("agent (daemon, no JVM start) %.2f vs %.2f + %.2f (`%s`) = %.2f CPU s/GiB"
                                + " (%.2fx)", daemon.get().cpuSecondsPerGib(), limit.get().cpuSecondsPerGib(),
                        sha.get().cpuSecondsPerGib(), sha.get().subject(), bound, x);
                if (x > CPU_WANTED) {
                    measured += f("; missed: the agent spends %.2f CPU s/GiB more than decoding and hashing need:"
                                    + " its decoder for %s is slower than `%s`, or the rest of its path (reading,"
                                    + " zero checks, writes, threads) costs that much",
                            daemon.get().cpuSecondsPerGib() - bound, input.codec(), decoder);
                }
                checks.add(new TargetCheck(cpuTarget, measured, x <= CPU_WANTED));
            }
        }
        checks.add(seedSpeed(r, plan, cores, sha));
        Optional<Measurement> seed = seed(r, plan.seedN());
        long rssLimit = r.plan().budgetBytes() + 160 * BenchPlan.MIB;
        checks.add(new TargetCheck(f("peak RSS, %d seed restores <= B + 160 MiB = %d MiB", plan.seedN(),
                rssLimit >> 20), seed.filter(Measurement::ok).map(m -> TargetCheck.mib(m.peakRssBytes()))
                .orElse("not measured"), seed.filter(Measurement::ok).map(m -> m.peakRssBytes() <= rssLimit)
                .orElse(null)));
        checks.add(seedFlat(r, plan));
        checks.add(day(r, plan));
        checks.addAll(coldStart(r, compared));
        return checks;
    }

    /**
     * What a start costs: {@code --version}; the one-shot zlib restore against the same in a warm daemon (its
     * second restore); a daemon's first restore after {@code serve} against its second.
     */
    private static List<TargetCheck> coldStart(Results r, List<CinderData.Input> compared) {
        List<TargetCheck> checks = new ArrayList<>();
        Optional<Measurement> version = cold(r, ColdStart.VERSION);
        String versionTarget = f("`restore-agent --version` <= %.2f s", VERSION_WANTED_SECONDS);
        checks.add(version.isEmpty() ? new TargetCheck(versionTarget, "not measured", null)
                : new TargetCheck(versionTarget, f("%.2f s (%s)", version.get().seconds(), version.get().note()),
                version.get().seconds() <= VERSION_WANTED_SECONDS));
        Optional<Measurement> first = cold(r, ColdStart.FIRST);
        Optional<Measurement> second = cold(r, ColdStart.SECOND);
        Optional<CinderData.Input> zlib = compared.stream().filter(i -> i.codec().equals("zlib")
                && i.shape() == CinderData.MIXED).findFirst();
        Optional<Measurement> oneShot = zlib.flatMap(i -> median(r, CinderScenarios.CINDER,
                CinderScenarios.subject(CinderScenarios.AGENT_ONE_SHOT, i.label())));
        String oneShotTarget = f("a one-shot zlib restore (JVM start included) within %.2fx of the same in a warm"
                + " daemon", ONE_SHOT_WANTED);
        if (oneShot.isEmpty() || second.isEmpty()) {
            checks.add(new TargetCheck(oneShotTarget, "not measured", null));
        } else {
            double x = oneShot.get().seconds() / second.get().seconds();
            String measured = f("%.2f s vs %.2f s (%.2fx); CPU %.2f vs %.2f s", oneShot.get().seconds(),
                    second.get().seconds(), x, oneShot.get().cpuSeconds(), second.get().cpuSeconds());
            if (x > ONE_SHOT_WANTED) {
                measured += f("; missed: the one-shot spent %.2f CPU s more (the JVM's start, its compilers, a"
                                + " data path run interpreted until compiled); %.2fx would need %.2f s",
                        oneShot.get().cpuSeconds() - second.get().cpuSeconds(), ONE_SHOT_WANTED,
                        second.get().seconds() * ONE_SHOT_WANTED);
            }
            checks.add(new TargetCheck(oneShotTarget, measured, x <= ONE_SHOT_WANTED));
        }
        String firstTarget = f("a daemon's first restore after `serve` within %.2fx of its second", FIRST_WANTED);
        if (first.isEmpty() || second.isEmpty()) {
            checks.add(new TargetCheck(firstTarget, "not measured", null));
        } else {
            double x = first.get().seconds() / second.get().seconds();
            checks.add(new TargetCheck(firstTarget, f("%.2f s vs %.2f s (%.2fx); CPU %.2f vs %.2f s",
                    first.get().seconds(), second.get().seconds(), x, first.get().cpuSeconds(),
                    second.get().cpuSeconds()), x <= FIRST_WANTED));
        }
        return checks;
    }

    private static Optional<Measurement> cold(Results r, String subject) {
        return r.all().stream().filter(m -> m.scenario().equals(ColdStart.COLD) && m.subject().equals(subject)
                && m.ok()).findFirst();
    }

    /**
     * The seed restores' aggregate against the machine's limit for the same work: the lower of the cores' rate
     * for decoding and hashing (cores / (`igzip -dc` + sha256 CPU s/GiB)) and the disk's for writing the same
     * non-zero bytes into as many new files at once, synced (the limit rows' dd).
     */
    private static TargetCheck seedSpeed(Results r, CinderPlan plan, int cores, Optional<Measurement> sha) {
        Optional<Measurement> seed = seed(r, plan.seedN());
        Optional<Measurement> igzip = median(r, CinderScenarios.LIMIT, LIMIT_DECODER.get("zlib"));
        Optional<Measurement> disk = r.all().stream().filter(m -> m.scenario().equals(CinderScenarios.LIMIT)
                && m.subject().startsWith(CinderScenarios.DISK_RATE) && m.ok()).findFirst();
        String target = f("%d seed restores (zlib, one object each), aggregate >= %.1fx the machine's limit: the lower"
                + " of the cores' decode+verify rate (%d cores / (`igzip -dc` + sha256 CPU s/GiB)) and the disk's rate"
                + " for the same non-zero bytes, synced", plan.seedN(), SEED_WANTED, cores);
        if (seed.isEmpty() || !seed.get().ok() || igzip.isEmpty() || sha.isEmpty() || disk.isEmpty()) {
            return new TargetCheck(target, seed.map(m -> m.ok() ? "not measured" : "failed: " + m.failure())
                    .orElse("not measured"), null);
        }
        double cpuLimit = cores / (igzip.get().cpuSecondsPerGib() + sha.get().cpuSecondsPerGib());
        double diskLimit = disk.get().mibPerSecond() / 1024;
        double limit = Math.min(cpuLimit, diskLimit);
        double gibPerSecond = seed.get().mibPerSecond() / 1024;
        double x = gibPerSecond / limit;
        String measured = f("%.2f GiB/s vs %.2f (%.2fx): the %s limit; the cores' %.2f GiB/s, the disk's %.2f;"
                        + " the agent spent %.2f CPU s/GiB", gibPerSecond, limit, x,
                cpuLimit <= diskLimit ? "cores'" : "disk's", cpuLimit, diskLimit, seed.get().cpuSecondsPerGib());
        if (x < SEED_WANTED) {
            measured += f("; missed: at %.2f CPU s/GiB the %d cores give at most %.2f GiB/s, against %.2f + %.2f"
                            + " CPU s/GiB for decoding and hashing alone", seed.get().cpuSecondsPerGib(), cores,
                    cores / seed.get().cpuSecondsPerGib(), igzip.get().cpuSecondsPerGib(),
                    sha.get().cpuSecondsPerGib());
        }
        return new TargetCheck(target, measured, x >= SEED_WANTED);
    }

    private static Optional<Measurement> seed(Results r, int n) {
        return r.all().stream().filter(m -> m.scenario().equals(CinderScenarios.SEED) && m.n() == n).findFirst();
    }

    /**
     * The seed restores at N against one of them, each in a fresh daemon: what N adds to the peak beyond the
     * budget's own buffers. The budget is there to be used, so the direct memory in use rises with N up to B
     * (41 restores fill it, one uses its working set); the target is on the rest (heap, threads, native
     * memory): peak RSS less the direct-memory peak. The raw peaks are shown beside it.
     */
    private static TargetCheck seedFlat(Results r, CinderPlan plan) {
        String target = f("the %d seed restores' memory beyond the budget flat in N: peak RSS less the direct-memory"
                + " peak, N = %d at most %d MiB above N = 1", plan.seedN(), plan.seedN(), SEED_FLAT_BYTES >> 20);
        Optional<Measurement> one = seed(r, 1);
        Optional<Measurement> many = seed(r, plan.seedN());
        Optional<String> failure = Stream.of(one, many).flatMap(Optional::stream).filter(m -> !m.ok())
                .map(m -> "failed: N = " + m.n() + ": " + m.failure()).findFirst();
        if (one.isEmpty() || many.isEmpty() || failure.isPresent()) {
            return new TargetCheck(target, failure.orElse("not measured"), null);
        }
        long oneBeyond = one.get().peakRssBytes() - one.get().directPeakBytes();
        long manyBeyond = many.get().peakRssBytes() - many.get().directPeakBytes();
        long rise = manyBeyond - oneBeyond;
        String measured = f("N = 1: %s beyond %s of direct memory (peak RSS %s); N = %d: %s beyond %s (peak RSS %s);"
                        + " %+d MiB", TargetCheck.mib(oneBeyond), TargetCheck.mib(one.get().directPeakBytes()),
                TargetCheck.mib(one.get().peakRssBytes()), plan.seedN(), TargetCheck.mib(manyBeyond),
                TargetCheck.mib(many.get().directPeakBytes()), TargetCheck.mib(many.get().peakRssBytes()),
                rise / BenchPlan.MIB);
        if (rise > SEED_FLAT_BYTES) {
            measured += f("; missed by %d MiB: %d restores' heap, threads and native memory beyond one's",
                    (rise - SEED_FLAT_BYTES) >> 20, plan.seedN());
        }
        return new TargetCheck(target, measured, rise <= SEED_FLAT_BYTES);
    }

    /** A daemon's mixed day: its lifetime peak against B plus the headroom, with what each round added. */
    private static TargetCheck day(Results r, CinderPlan plan) {
        long budget = r.plan().budgetBytes();
        long limit = budget + DAY_HEADROOM_BYTES;
        String target = f("a daemon's mixed day (twenty %s restores, the %d seed restores, twice) at B = %s: lifetime"
                + " peak RSS <= B + %d MiB", size(plan.volumeBytes()), plan.seedN(), TargetCheck.mib(budget),
                DAY_HEADROOM_BYTES >> 20);
        List<Measurement> phases = r.all().stream().filter(m -> m.scenario().equals(DaemonDay.DAY)).toList();
        Optional<Measurement> failed = phases.stream().filter(m -> !m.ok()).findFirst();
        if (phases.isEmpty() || failed.isPresent()) {
            return new TargetCheck(target, failed.map(m -> "failed: " + m.subject() + ": " + m.failure())
                    .orElse("not measured"), null);
        }
        Measurement end = phases.get(phases.size() - 1);
        // the day is one round of phases done twice
        Measurement firstRound = phases.get(phases.size() / 2 - 1);
        String measured = f("%s at the day's end, %s after its first round; at its end RSS %s, %d threads",
                TargetCheck.mib(end.peakRssBytes()), TargetCheck.mib(firstRound.peakRssBytes()),
                TargetCheck.mib(end.rssAfterBytes()), end.threadsAfter());
        if (end.peakRssBytes() > limit) {
            measured += f("; missed by %d MiB: the second round added %d MiB to the first's peak; the direct memory"
                            + " peak was %s, so at least %d MiB of the peak lay outside the budget (heap, thread"
                            + " stacks, native memory)", (end.peakRssBytes() - limit) >> 20,
                    (end.peakRssBytes() - firstRound.peakRssBytes()) >> 20, TargetCheck.mib(end.directPeakBytes()),
                    (end.peakRssBytes() - end.directPeakBytes()) >> 20);
        }
        return new TargetCheck(target, measured, end.peakRssBytes() <= limit);
    }

    // "1 GiB" rather than "1024 MiB", as the issue writes it
    private static String size(long bytes) {
        return bytes % BenchPlan.GIB == 0 ? bytes / BenchPlan.GIB + " GiB" : TargetCheck.mib(bytes);
    }

    private static String speedReason(Measurement agent, Optional<Measurement> daemon, Measurement cinder,
                                      double wanted) {
        StringBuilder why = new StringBuilder(f("the agent spent %.2f CPU s/GiB (Cinder %.2f)",
                agent.cpuSecondsPerGib(), cinder.cpuSecondsPerGib()));
        daemon.ifPresent(d -> why.append(f("; without the JVM's start (a running daemon) it takes %.2f s, %.2fx",
                d.seconds(), cinder.seconds() / d.seconds())));
        why.append(f("; %.1fx would need %.2f s", wanted, cinder.seconds() / wanted));
        return why.toString();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
