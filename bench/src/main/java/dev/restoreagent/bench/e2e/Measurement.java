package dev.restoreagent.bench.e2e;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One measured run: who restored what where, how long it took and what it cost.
 *
 * @param scenario the report section: concurrent (and its rounds), budget, object-size, peers, zero-copy
 * @param subject who did the work: agent, baseline, or a peer's command line
 * @param target file or rbd
 * @param n restores at once
 * @param objectBytes uncompressed Cinder object size, 0 for image streams
 * @param bytes logical bytes restored (the volumes' sizes, zeros included)
 * @param writtenBytes bytes sent to the target (zeros skipped are not), -1 if unknown
 * @param seconds wall time of the restores
 * @param peakRssBytes peak resident set of the process (VmHWM sampled from /proc)
 * @param directPeakBytes the allocator's peak of direct memory, -1 where there is no such counter
 * @param cpuSeconds user and system CPU of the process
 * @param failure why the run did not finish, null when it did
 * @param note anything the table should say about this row
 * @param rssAfterBytes resident set of the process (VmRSS) when the run ended, -1 where it was not read
 * @param threadsAfter the process's threads when the run ended, -1 where they were not counted
 * @param serverCpuSeconds CPU of the server the data came from while it ran, on the same cores (the RADOS
 *     Gateway and its cluster's daemons); NaN where the data came from no such server or it was not read
 */
record Measurement(String scenario, String subject, String target, int n, long objectBytes, long bytes,
                   long writtenBytes, double seconds, long peakRssBytes, long directPeakBytes, double cpuSeconds,
                   String failure, String note, long rssAfterBytes, int threadsAfter, double serverCpuSeconds) {

    /** A run without a server beside it on the same cores. */
    Measurement(String scenario, String subject, String target, int n, long objectBytes, long bytes,
                long writtenBytes, double seconds, long peakRssBytes, long directPeakBytes, double cpuSeconds,
                String failure, String note, long rssAfterBytes, int threadsAfter) {
        this(scenario, subject, target, n, objectBytes, bytes, writtenBytes, seconds, peakRssBytes, directPeakBytes,
                cpuSeconds, failure, note, rssAfterBytes, threadsAfter, Double.NaN);
    }

    /** A run whose process was not read after it: no RSS or threads after. */
    Measurement(String scenario, String subject, String target, int n, long objectBytes, long bytes,
                long writtenBytes, double seconds, long peakRssBytes, long directPeakBytes, double cpuSeconds,
                String failure, String note) {
        this(scenario, subject, target, n, objectBytes, bytes, writtenBytes, seconds, peakRssBytes, directPeakBytes,
                cpuSeconds, failure, note, -1, -1);
    }

    /** This run with the CPU its data's server used meanwhile. */
    Measurement withServerCpu(double seconds) {
        return new Measurement(scenario, subject, target, n, objectBytes, bytes, writtenBytes, this.seconds,
                peakRssBytes, directPeakBytes, cpuSeconds, failure, note, rssAfterBytes, threadsAfter, seconds);
    }

    boolean ok() {
        return failure == null;
    }

    /** Logical throughput, MiB/s. */
    double mibPerSecond() {
        return bytes / (double) BenchPlan.MIB / seconds;
    }

    /** Throughput of the bytes actually written, MiB/s. */
    double writtenMibPerSecond() {
        return writtenBytes / (double) BenchPlan.MIB / seconds;
    }

    /** CPU seconds per GiB restored. */
    double cpuSecondsPerGib() {
        return cpuSeconds / (bytes / (double) BenchPlan.GIB);
    }

    /**
     * One row for several rounds of the same run: the round with the median time, with the highest peak RSS
     * and direct peak of all rounds; the first failure instead if a round failed.
     */
    static Measurement summaryOf(String scenario, List<Measurement> rounds) {
        Optional<Measurement> failed = rounds.stream().filter(m -> !m.ok()).findFirst();
        if (failed.isPresent()) {
            Measurement f = failed.get();
            return failed(scenario, f.subject(), f.target(), f.n(), f.objectBytes(), f.bytes(), f.peakRssBytes(),
                    f.failure());
        }
        List<Measurement> byTime = byTime(rounds);
        Measurement median = byTime.get(byTime.size() / 2);
        long peakRss = rounds.stream().mapToLong(Measurement::peakRssBytes).max().orElseThrow();
        long directPeak = rounds.stream().mapToLong(Measurement::directPeakBytes).max().orElseThrow();
        String note = rounds.size() < 2 ? null : String.format(Locale.ROOT, "median of %d rounds (%.1f to %.1f s)",
                rounds.size(), byTime.get(0).seconds(), byTime.get(byTime.size() - 1).seconds());
        return new Measurement(scenario, median.subject(), median.target(), median.n(), median.objectBytes(),
                median.bytes(), median.writtenBytes(), median.seconds(), peakRss, directPeak, median.cpuSeconds(),
                null, note).withServerCpu(median.serverCpuSeconds());
    }

    /** {@code rounds} from the fastest to the slowest; the median is the middle one. */
    static List<Measurement> byTime(List<Measurement> rounds) {
        return rounds.stream().sorted(Comparator.comparingDouble(Measurement::seconds)).toList();
    }

    static Measurement failed(String scenario, String subject, String target, int n, long objectBytes, long bytes,
                              long peakRssBytes, String failure) {
        return new Measurement(scenario, subject, target, n, objectBytes, bytes, -1, Double.NaN, peakRssBytes, -1,
                Double.NaN, failure, null);
    }
}
