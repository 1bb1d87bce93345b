package dev.restoreagent.bench.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * What one harness run measures: sizes, concurrency levels and the memory budget of a mode.
 *
 * @param budgetBytes the agent's memory budget B in every agent run
 * @param concurrency the numbers N of restores run at once (scenario 1 and the baseline)
 * @param fileObjectBytes object (and volume) size of each concurrent restore into a file
 * @param rbdObjectBytes object (and volume) size of each concurrent restore into RBD
 * @param objectSizes object sizes of the "flat in object size" series
 * @param objectSeriesVolumeBytes volume size of that series
 * @param objectSeriesN restores at once in that series
 * @param singleVolumeBytes volume of the side-by-side runs against the peers (>= 2 GiB in full mode)
 * @param singleObjectBytes object size of that volume's Cinder backup
 * @param repeats runs of each peer comparison; the report takes the median
 * @param zeroCopyN restores at once when zero-copy is compared on and off
 * @param baselineLimitBytes resident set at which the harness kills the baseline, its stand-in for the OOM killer
 * @param memstoreBytes capacity of the clusters' OSD: memstore holds every written object whole, in RAM
 * @param smallerBudgets budgets below B that the budget series runs, beside B, at the baseline's largest N
 */
record BenchPlan(String mode, long budgetBytes, List<Integer> concurrency, long fileObjectBytes, long rbdObjectBytes,
                 List<Long> objectSizes, long objectSeriesVolumeBytes, int objectSeriesN, long singleVolumeBytes,
                 long singleObjectBytes, int repeats, int zeroCopyN, long baselineLimitBytes, long memstoreBytes,
                 List<Long> smallerBudgets) {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    /** The agent's default budget, as the packaged config sets it. */
    static final long DEFAULT_BUDGET = 256 * MIB;

    /** About a minute of restores: every scenario, on small volumes. */
    static BenchPlan quick(long baselineLimitBytes) {
        return new BenchPlan("quick", DEFAULT_BUDGET, List.of(1, 4, 16, 41), 32 * MIB, 32 * MIB,
                List.of(8 * MIB, 32 * MIB), 32 * MIB, 4, 256 * MIB, 32 * MIB, 1, 16, baselineLimitBytes, 4 * GIB,
                List.of(128 * MIB));
    }

    /**
     * The reference sizes: 256 MiB objects, a 2 GiB volume against the peers, object sizes up to 1 GiB. Into RBD
     * the concurrent restores use 128 MiB objects: the memstore OSD keeps every written 4 MiB object whole in RAM,
     * about twice over, and 41 images of 256 MiB would need some 20 GiB of this machine's 24.
     */
    static BenchPlan full(long baselineLimitBytes) {
        return new BenchPlan("full", DEFAULT_BUDGET, List.of(1, 4, 16, 41), 256 * MIB, 128 * MIB,
                List.of(64 * MIB, 256 * MIB, GIB), GIB, 4, 2 * GIB, 256 * MIB, 3, 16, baselineLimitBytes, 8 * GIB,
                List.of(64 * MIB, 128 * MIB));
    }

    /** B, then the smaller budgets: the budget series. */
    List<Long> budgetSeries() {
        List<Long> series = new ArrayList<>(List.of(budgetBytes));
        series.addAll(smallerBudgets);
        return series;
    }

    /** This plan with objects of {@code bytes} in the concurrent restores (files and RBD) and the peers' backup. */
    BenchPlan withObjectBytes(long bytes) {
        return new BenchPlan(mode, budgetBytes, concurrency, bytes, bytes, objectSizes, objectSeriesVolumeBytes,
                objectSeriesN, singleVolumeBytes, bytes, repeats, zeroCopyN, baselineLimitBytes, memstoreBytes,
                smallerBudgets);
    }

    /** This plan with a volume of {@code bytes} against the peers. */
    BenchPlan withSingleVolumeBytes(long bytes) {
        return new BenchPlan(mode, budgetBytes, concurrency, fileObjectBytes, rbdObjectBytes, objectSizes,
                objectSeriesVolumeBytes, objectSeriesN, bytes, singleObjectBytes, repeats, zeroCopyN,
                baselineLimitBytes, memstoreBytes, smallerBudgets);
    }
}
