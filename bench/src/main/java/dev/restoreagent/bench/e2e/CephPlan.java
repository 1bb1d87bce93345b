package dev.restoreagent.bench.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * The sizes of section 6 (backups of Cinder's Ceph driver) and where the volume's data lies. The memstore OSDs
 * hold every written byte in RAM, about twice over, so each chain of backups is removed once its runs are done.
 *
 * @param volumeBytes the volume restored into new images and into images that hold data, against Cinder and the
 *     rbd commands
 * @param allocatedBytes what its full backup holds: {@link #EXTENTS} extents spread over the volume
 * @param manyVolumeBytes the volume of the concurrent restores, each into an image of its own: small enough that
 *     {@code n} of them fit the volume cluster's memstore OSD
 * @param manyAllocatedBytes what that one's full backup holds
 * @param n restores at once through one daemon, of the second volume's incremental backup
 * @param repeats interleaved rounds of the one-shot comparisons; the report takes the median
 */
record CephPlan(long volumeBytes, long allocatedBytes, long manyVolumeBytes, long manyAllocatedBytes, int n,
                int repeats) {
    /** Extents of the full backup, one at the start of each eighth of the volume. */
    static final int EXTENTS = 8;
    /** RBD's default object size: the discard covers whole objects, which librbd really zeroes. */
    static final long OBJECT_BYTES = 4 * BenchPlan.MIB;

    /** A range of the volume. */
    record Extent(long offset, long length) {
        long end() {
            return offset + length;
        }
    }

    CephPlan {
        check(volumeBytes, allocatedBytes);
        check(manyVolumeBytes, manyAllocatedBytes);
    }

    private static void check(long volumeBytes, long allocatedBytes) {
        // 16 * OBJECT_BYTES: each extent (1/8) and each increment's write (1/16) is whole objects
        if (volumeBytes % BenchPlan.GIB != 0 || allocatedBytes <= 0 || allocatedBytes % (16 * OBJECT_BYTES) != 0
                || allocatedBytes > volumeBytes / 2) {
            throw new IllegalArgumentException("a volume of whole GiB with up to half of it allocated in multiples"
                    + " of 64 MiB, not " + allocatedBytes + " of " + volumeBytes + " bytes");
        }
    }

    /**
     * One GiB with a quarter allocated; the concurrent restores: 1 GiB with 64 MiB allocated (41 images of about
     * 70 MiB each, some 6 GiB of the OSD's RAM).
     */
    static CephPlan quick() {
        return new CephPlan(BenchPlan.GIB, 256 * BenchPlan.MIB, BenchPlan.GIB, 64 * BenchPlan.MIB, 41, 1);
    }

    /** Four GiB with half of it allocated, medians of 3; the concurrent restores as in quick. */
    static CephPlan full() {
        return new CephPlan(4 * BenchPlan.GIB, 2 * BenchPlan.GIB, BenchPlan.GIB, 64 * BenchPlan.MIB, 41, 3);
    }

    /**
     * Each memstore OSD's capacity. Not preallocated: RAM is taken only by what is written. Generous, as memstore's
     * own accounting drifts after GiBs of writes and removals and would report the OSD full.
     */
    long memstoreBytes() {
        return Math.max(8 * BenchPlan.GIB, 4 * volumeBytes);
    }

    /** The full backup's data: {@link #EXTENTS} extents of {@code allocatedBytes / EXTENTS}, each at an eighth. */
    static List<Extent> fullExtents(long volumeBytes, long allocatedBytes) {
        long stride = volumeBytes / EXTENTS;
        long length = allocatedBytes / EXTENTS;
        List<Extent> extents = new ArrayList<>();
        for (int i = 0; i < EXTENTS; i++) {
            extents.add(new Extent(i * stride, length));
        }
        return extents;
    }

    /**
     * The writes before the incremental backup, each {@code allocatedBytes / 16}: one over the end of the first
     * extent and into the hole after it, one in the middle of a hole, and one up to the volume's last byte.
     */
    static List<Extent> incrementWrites(long volumeBytes, long allocatedBytes) {
        long stride = volumeBytes / EXTENTS;
        long extent = allocatedBytes / EXTENTS;
        long w = allocatedBytes / 16;
        return List.of(new Extent(extent - w / 2, w), new Extent(stride + stride / 2, w),
                new Extent(volumeBytes - w, w));
    }

    /** The discard before the incremental backup: whole objects, a quarter of the third extent, inside it. */
    static Extent incrementDiscard(long volumeBytes, long allocatedBytes) {
        long stride = volumeBytes / EXTENTS;
        long extent = allocatedBytes / EXTENTS;
        long length = Math.max(OBJECT_BYTES, extent / 4 / OBJECT_BYTES * OBJECT_BYTES);
        return new Extent(2 * stride + length, length);
    }

    /** The bytes the incremental backup's snapshot holds: the extents with the writes, less the discard. */
    static long allocatedAfterIncrement(long volumeBytes, long allocatedBytes) {
        List<Extent> ranges = new ArrayList<>(fullExtents(volumeBytes, allocatedBytes));
        ranges.addAll(incrementWrites(volumeBytes, allocatedBytes));
        ranges.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        long covered = 0;
        long end = 0;
        for (Extent r : ranges) {
            long start = Math.max(r.offset(), end);
            if (r.end() > start) {
                covered += r.end() - start;
                end = r.end();
            }
        }
        return covered - incrementDiscard(volumeBytes, allocatedBytes).length();
    }
}
