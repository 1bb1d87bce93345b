package dev.restoreagent.bench.e2e;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Every measurement of a run, and the lookups the report and the plots make in them. */
record Results(BenchPlan plan, List<Measurement> all) {

    /** The run of {@code subject} in {@code scenario} into {@code target} with {@code n} at once, if there is one. */
    Optional<Measurement> find(String scenario, String subject, String target, int n) {
        return all.stream().filter(m -> m.scenario().equals(scenario) && m.subject().equals(subject)
                && m.target().equals(target) && m.n() == n).findFirst();
    }

    /** The successful runs of {@code subject} in {@code scenario} into {@code target}, by N then object size. */
    List<Measurement> series(String scenario, String subject, String target) {
        return all.stream().filter(m -> m.scenario().equals(scenario) && m.subject().equals(subject)
                        && m.target().equals(target))
                .sorted(Comparator.comparingInt(Measurement::n).thenComparingLong(Measurement::objectBytes))
                .collect(Collectors.toList());
    }

    /**
     * The peer-comparison run of {@code subject} into {@code target} with the median time over the rounds;
     * empty if any round failed.
     */
    Optional<Measurement> median(String subject, String target) {
        List<Measurement> rounds = rounds("peers", subject, target, 1);
        if (rounds.isEmpty() || rounds.stream().anyMatch(m -> !m.ok())) {
            return Optional.empty();
        }
        List<Measurement> byTime = Measurement.byTime(rounds);
        return Optional.of(byTime.get(byTime.size() / 2));
    }

    /** Every round of {@code subject} in {@code scenario} into {@code target} with {@code n} at once. */
    List<Measurement> rounds(String scenario, String subject, String target, int n) {
        return all.stream().filter(m -> m.scenario().equals(scenario) && m.subject().equals(subject)
                && m.target().equals(target) && m.n() == n).toList();
    }

    /** The largest N at which the baseline's concurrent run into {@code target} finished. */
    Optional<Integer> largestBaselineN(String target) {
        return series(TargetCheck.CONCURRENT, "baseline", target).stream().filter(Measurement::ok)
                .map(Measurement::n).reduce((x, y) -> y);
    }

    int largestN() {
        return plan.concurrency().stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
