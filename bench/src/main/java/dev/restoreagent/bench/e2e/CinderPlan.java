package dev.restoreagent.bench.e2e;

/**
 * The sizes of the runs against Cinder's own code (section 4 of the report).
 *
 * @param volumeBytes the mixed and the zero-heavy volume, each backed up by Cinder's driver
 * @param objectBytes the chunk size ({@code backup_file_size}) of those backups
 * @param seedVolumeBytes the seed scenario's volume, one object at Cinder's default chunk size
 * @param seedN restores of it at once through one daemon
 * @param repeats interleaved rounds of the one-shot comparisons; the report takes the median
 */
record CinderPlan(long volumeBytes, long objectBytes, long seedVolumeBytes, int seedN, int repeats) {
    /** Cinder's default {@code backup_file_size}: 61035 sha blocks of 32 KiB. */
    static final long DEFAULT_CHUNK_BYTES = 1_999_994_880L;

    /**
     * Small volumes, four objects each, so both decode threads of the agent have work; one round. Cinder's own
     * bz2 backup of them is most of this mode's time (Python's bz2 compresses at about 5 MiB/s here).
     */
    static CinderPlan quick() {
        return new CinderPlan(64 * BenchPlan.MIB, 16 * BenchPlan.MIB, 32 * BenchPlan.MIB, 41, 1);
    }

    /** The reference: 1 GiB volumes in 256 MiB objects, medians of 3; the seed volume of 200 MiB. */
    static CinderPlan full() {
        return new CinderPlan(BenchPlan.GIB, 256 * BenchPlan.MIB, 200 * BenchPlan.MIB, 41, 3);
    }
}
