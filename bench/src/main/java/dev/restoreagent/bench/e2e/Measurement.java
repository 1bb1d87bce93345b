package dev.restoreagent.bench.e2e;

/**
 * One measured run: who restored what where, how long it took and what it cost.
 *
 * @param scenario the report section: concurrent, budget, object-size, peers, zero-copy
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
 */
record Measurement(String scenario, String subject, String target, int n, long objectBytes, long bytes,
                   long writtenBytes, double seconds, long peakRssBytes, long directPeakBytes, double cpuSeconds,
                   String failure, String note) {

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

    static Measurement failed(String scenario, String subject, String target, int n, long objectBytes, long bytes,
                              long peakRssBytes, String failure) {
        return new Measurement(scenario, subject, target, n, objectBytes, bytes, -1, Double.NaN, peakRssBytes, -1,
                Double.NaN, failure, null);
    }
}
