package dev.restoreagent.bench.e2e;

/**
 * The sizes of section 5 (from S3 next to posix). The gateway's memstore OSD holds every object in RAM (about
 * twice its bytes), so the volume stays modest.
 *
 * @param volumeBytes the mixed volume (about 20% zero blocks) both of Cinder's drivers back up, zlib
 * @param objectBytes the object (chunk) size of both backups
 * @param n restores from S3 at once through one daemon
 * @param repeats interleaved rounds of the one-shot comparison; the verdicts take the median
 */
record S3Plan(long volumeBytes, long objectBytes, int n, int repeats) {
    /** Cinder's default {@code backup_s3_object_size}. */
    static final long DEFAULT_S3_OBJECT_BYTES = 50 * BenchPlan.MIB;

    /** Four objects, so both decode threads have work; one round. */
    static S3Plan quick() {
        return new S3Plan(64 * BenchPlan.MIB, 16 * BenchPlan.MIB, 41, 1);
    }

    /** 1 GiB in Cinder's default 50 MiB objects, medians of 3. */
    static S3Plan full() {
        return new S3Plan(BenchPlan.GIB, DEFAULT_S3_OBJECT_BYTES, 41, 3);
    }

    /** The memstore OSD's capacity: the compressed backup in RAM, with room for the gateway's own pools. */
    long memstoreBytes() {
        return Math.max(4 * BenchPlan.GIB, 2 * volumeBytes);
    }
}
