package dev.restoreagent.agent.source.rbd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.fuzz.Bounds;
import dev.restoreagent.fuzz.Seeds;
import dev.restoreagent.nativeb.rbd.DiffCallbacks;
import dev.restoreagent.nativeb.rbd.Extent;
import org.junit.jupiter.api.AfterAll;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The extents of a Ceph-driver backup's snapshot, as {@code rbd_diff_iterate2} calls back with them (in
 * any order, overlapping, past the image's end), merged by the diff callback's collector and cut by
 * {@link RbdSnapshotSource#objects} into the layer's objects. The objects cover the image from 0 to its
 * size, in order, without gap or overlap, each at most {@link RbdSnapshotSource#PIECE_BYTES}; a piece read
 * from the image lies inside a range that holds data, and a piece of zeros inside none; the same extents
 * always give the same objects (a resumed restore relies on it).
 *
 * <p>Input: the image's size (8 bytes), then 17 bytes per callback: offset, length, and whether it holds
 * data. Sizes up to 64 GiB, offsets up to 128 GiB, lengths up to 16 GiB: a layer of at most some 2,000
 * pieces, so that the fuzzer runs many layers rather than a few large ones. Seeds: the extents of small Ceph-driver backups (a full image, sparse ones, one written at its
 * end, librbd's per-object calls).
 */
class RbdExtentsFuzzTest {
    private static final Bounds BOUNDS = new Bounds("rbd-extents");
    private static final int CALLBACK_BYTES = 17;
    private static final RbdSnapshotSpec SPEC = new RbdSnapshotSpec("backups", null,
            "volume-" + Seeds.VOLUME_ID + ".backup.base", "backup.snap.1");
    /** Heap for each piece, made twice and checked: a source object, its name, and the checks' own. */
    private static final long HEAP_PER_PIECE_BYTES = 4096;

    /** A range the opener was asked for: a piece read from the image. */
    private record Read(long offset, long length) {
    }

    @FuzzTest
    void extents(byte[] input) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(input);
        long sizeBytes = in.remaining() >= 8 ? in.getLong() & ((1L << 36) - 1) : 0;
        List<Extent> reported = new ArrayList<>();
        while (in.remaining() >= CALLBACK_BYTES) {
            reported.add(new Extent(in.getLong() & ((1L << 37) - 1), in.getLong() & ((1L << 34) - 1), in.get() != 0));
        }
        long pieces = sizeBytes / RbdSnapshotSource.PIECE_BYTES + 2L * reported.size() + 2;
        BOUNDS.run(Seeds.PARSER_HEAP_BYTES + HEAP_PER_PIECE_BYTES * pieces, () -> {
            List<Extent> merged = DiffCallbacks.merged(reported);
            checkMerged(merged);
            Set<Read> reads = new HashSet<>();
            List<SourceObject> objects = RbdSnapshotSource.objects(sizeBytes, SPEC, "backup fuzz", merged,
                    (offset, length) -> {
                        reads.add(new Read(offset, length));
                        return () -> {
                            throw new UnsupportedOperationException("not read");
                        };
                    });
            checkObjects(sizeBytes, merged, objects, reads);
            List<SourceObject> again = RbdSnapshotSource.objects(sizeBytes, SPEC, "backup fuzz", merged,
                    (offset, length) -> () -> {
                        throw new UnsupportedOperationException("not read");
                    });
            assertThat(again).extracting(SourceObject::name, SourceObject::offsetBytes, SourceObject::lengthBytes)
                    .containsExactlyElementsOf(objects.stream().map(o -> tuple(
                            o.name(), o.offsetBytes(), o.lengthBytes())).toList());
        });
    }

    /** In offset order, none empty, and ranges of one kind neither overlap nor touch (they would be one). */
    private static void checkMerged(List<Extent> merged) {
        for (int i = 0; i < merged.size(); i++) {
            Extent extent = merged.get(i);
            assertThat(extent.length()).isPositive();
            for (int j = i + 1; j < merged.size(); j++) {
                Extent later = merged.get(j);
                assertThat(later.offset()).isGreaterThanOrEqualTo(extent.offset());
                if (later.exists() == extent.exists()) {
                    assertThat(later.offset()).as("%s and %s", extent, later)
                            .isGreaterThan(extent.offset() + extent.length());
                }
            }
        }
    }

    private static void checkObjects(long sizeBytes, List<Extent> merged, List<SourceObject> objects, Set<Read> reads) {
        long at = 0;
        for (SourceObject object : objects) {
            assertThat(object.offsetBytes()).as("where %s starts", object.name()).isEqualTo(at);
            assertThat(object.lengthBytes()).isBetween(1L, RbdSnapshotSource.PIECE_BYTES);
            long end = object.offsetBytes() + object.lengthBytes();
            boolean read = reads.contains(new Read(object.offsetBytes(), object.lengthBytes()));
            if (read) {
                assertThat(merged).as("a range with data holding %s", object.name())
                        .anyMatch(e -> e.exists() && e.offset() <= object.offsetBytes() && end <= e.offset() + e.length());
            } else {
                assertThat(merged).as("ranges with data inside zeros %s", object.name())
                        .noneMatch(e -> e.exists() && e.offset() < end && object.offsetBytes() < e.offset() + e.length());
            }
            at = end;
        }
        assertThat(at).as("where the objects end").isEqualTo(sizeBytes);
    }

    @AfterAll
    static void close() {
        BOUNDS.close();
    }
}
