package dev.restoreagent.bench.e2e;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One of the targets, as measured.
 *
 * @param measured the figures the verdict rests on
 * @param met null when the run could not measure it
 */
record TargetCheck(String target, String measured, Boolean met) {
    static final String CONCURRENT = "concurrent";
    /** One round of the agent's concurrent runs; {@link #CONCURRENT} holds one row per N for all rounds. */
    static final String CONCURRENT_ROUND = "concurrent-round";
    static final String OBJECT_SIZE = "object-size";
    static final String BUDGET = "budget";

    /** The subject of a budget-series run. */
    static String budgetSubject(long budgetBytes) {
        return "agent, B = " + mib(budgetBytes);
    }

    /** The verdicts on every target, in the order. */
    static List<TargetCheck> evaluate(Results r) {
        List<TargetCheck> checks = new ArrayList<>();
        long limit = r.plan().budgetBytes() + 160 * BenchPlan.MIB;
        int top = r.largestN();
        for (String kind : List.of(Scenarios.RBD, Scenarios.FILE)) {
            Optional<Measurement> m = r.find(CONCURRENT, "agent", kind, top).filter(Measurement::ok);
            checks.add(new TargetCheck(String.format("peak RSS, %d restores into %s <= B + 160 MiB = %d MiB",
                    top, kind, limit >> 20), m.map(x -> mib(x.peakRssBytes())).orElse("no successful run"),
                    m.map(x -> x.peakRssBytes() <= limit).orElse(null)));
        }
        // flat: the same bound at every N and every object size; below it the peak rises with N only
        // until the budget is in full use, never past it
        for (String scenario : List.of(CONCURRENT, OBJECT_SIZE)) {
            List<Measurement> agent = r.all().stream().filter(m -> m.scenario().equals(scenario)
                    && m.subject().equals("agent")).toList();
            Optional<Measurement> highest = agent.stream().filter(Measurement::ok)
                    .max(Comparator.comparingLong(Measurement::peakRssBytes));
            boolean allRan = !agent.isEmpty() && agent.stream().allMatch(Measurement::ok);
            checks.add(new TargetCheck(scenario.equals(CONCURRENT)
                    ? String.format("flat in N: every N from %d to %d, files and RBD, <= B + 160 MiB",
                    r.plan().concurrency().get(0), top)
                    : String.format("flat in object size: %s to %s objects, N=%d, <= B + 160 MiB",
                    mib(r.plan().objectSizes().get(0)), mib(r.plan().objectSizes().get(r.plan().objectSizes().size() - 1)),
                    r.plan().objectSeriesN()),
                    highest.map(m -> "highest " + mib(m.peakRssBytes()) + " (" + m.target() + ", N=" + m.n() + ", "
                            + mib(m.objectBytes()) + " objects)").orElse("no successful run"),
                    allRan ? highest.get().peakRssBytes() <= limit : null));
        }
        for (String kind : List.of(Scenarios.RBD, Scenarios.FILE)) {
            Optional<Measurement> base = r.series(CONCURRENT, "baseline", kind).stream().filter(Measurement::ok)
                    .reduce((x, y) -> y);
            Optional<Measurement> agent = base.flatMap(b -> r.find(CONCURRENT, "agent", kind, b.n()))
                    .filter(Measurement::ok);
            checks.add(new TargetCheck("peak RSS >= 20x below the baseline at the largest N it survives (" + kind + ")",
                    base.isPresent() && agent.isPresent() ? String.format("N=%d: baseline %s, agent %s (%s)%s",
                            base.get().n(), mib(base.get().peakRssBytes()), mib(agent.get().peakRssBytes()),
                            ratio(base.get().peakRssBytes(), agent.get().peakRssBytes()),
                            smallerBudgets(r, base.get()))
                            : "the baseline survived no N, or the agent failed",
                    base.isPresent() && agent.isPresent()
                            ? base.get().peakRssBytes() >= 20 * agent.get().peakRssBytes() : null));
        }
        checks.add(speed(r, "one zstd restore into a file >= 0.9x `zstd -dc > file`", Scenarios.AGENT_IMAGE,
                Scenarios.FILE, Scenarios.ZSTD_DC, 0.9));
        checks.add(speed(r, "one restore into RBD >= 1.5x `zstdcat | rbd import -`", Scenarios.AGENT_IMAGE,
                Scenarios.RBD, "zstdcat FILE | rbd import - IMAGE", 1.5));
        checks.add(speed(r, "one restore into RBD >= 0.9x `rbd import RAW`", Scenarios.AGENT_IMAGE,
                Scenarios.RBD, "rbd import RAW IMAGE", 0.9));
        Optional<Measurement> many = r.find(CONCURRENT, "agent", Scenarios.RBD, top).filter(Measurement::ok);
        Optional<Measurement> bench = r.median(Scenarios.RBD_BENCH, Scenarios.RBD);
        checks.add(new TargetCheck(top + " restores into RBD, bytes written per second, >= 0.9x `rbd bench` write",
                many.isPresent() && bench.isPresent() ? String.format("%.0f vs %.0f MiB/s (%s)",
                        many.get().writtenMibPerSecond(), bench.get().writtenMibPerSecond(),
                        ratio(many.get().writtenMibPerSecond(), bench.get().writtenMibPerSecond())) : "not measured",
                many.isPresent() && bench.isPresent()
                        ? many.get().writtenMibPerSecond() >= 0.9 * bench.get().writtenMibPerSecond() : null));
        return checks;
    }

    /**
     * What the budget series measured at the baseline's N: per smaller budget the highest peak over its rounds,
     * its ratio to the baseline, and its median speed against B's median in the same series.
     */
    private static String smallerBudgets(Results r, Measurement base) {
        Optional<Measurement> atB = budgetRuns(r, r.plan().budgetBytes(), base);
        StringBuilder text = new StringBuilder();
        for (long budget : r.plan().smallerBudgets()) {
            Optional<Measurement> smaller = budgetRuns(r, budget, base);
            if (smaller.isPresent() && atB.isPresent()) {
                text.append(String.format("; at B = %s: %s (%s), %s the speed", mib(budget),
                        mib(smaller.get().peakRssBytes()), ratio(base.peakRssBytes(), smaller.get().peakRssBytes()),
                        ratio(smaller.get().mibPerSecond(), atB.get().mibPerSecond())));
            }
        }
        return text.toString();
    }

    /** The budget series' rounds at {@code budgetBytes} and the baseline's N, summarized; empty if none or one failed. */
    private static Optional<Measurement> budgetRuns(Results r, long budgetBytes, Measurement base) {
        List<Measurement> rounds = r.rounds(BUDGET, budgetSubject(budgetBytes), base.target(), base.n());
        return rounds.isEmpty() ? Optional.empty()
                : Optional.of(Measurement.summaryOf(BUDGET, rounds)).filter(Measurement::ok);
    }

    private static TargetCheck speed(Results r, String target, String agentSubject, String kind, String peer,
                                     double wanted) {
        Optional<Measurement> a = r.median(agentSubject, kind);
        Optional<Measurement> p = r.median(peer, kind);
        if (a.isEmpty() || p.isEmpty()) {
            return new TargetCheck(target, "not measured (a run failed)", null);
        }
        double x = p.get().seconds() / a.get().seconds();
        return new TargetCheck(target, String.format("%.0f vs %.0f MiB/s (%.2fx)", a.get().mibPerSecond(),
                p.get().mibPerSecond(), x), x >= wanted);
    }

    static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    private static String ratio(double a, double b) {
        return String.format("%.2fx", a / b);
    }
}
