package dev.restoreagent.agent.source.rbd;

import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.nativeb.rbd.Extent;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layer a snapshot becomes: data and holes in pieces that tile the image exactly, the same each time
 * (a resumed restore skips objects by index), holes read as zeros without touching the image.
 */
class RbdSnapshotSourceTest {
    private static final RbdSnapshotSpec SPEC = RbdSnapshotSpec.parse("rbd:backups/volume-v.backup.b@backup.b.snap.1");
    private static final long MIB = 1 << 20;

    private static List<SourceObject> layout(long size, List<Extent> extents) {
        return RbdSnapshotSource.objects(size, SPEC, "backup b", extents, (offset, length) -> () -> {
            throw new AssertionError("no data is read to lay out the objects");
        });
    }

    @Test
    void dataAndHolesTileTheImageInPiecesOfAtMost32MiB() {
        long size = 100 * MIB + 4096;
        List<Extent> extents = List.of(new Extent(0, 4 * MIB, true), new Extent(40 * MIB, 40 * MIB, true),
                new Extent(100 * MIB, 4096, true));

        List<SourceObject> objects = layout(size, extents);

        long at = 0;
        for (SourceObject object : objects) {
            assertThat(object.offsetBytes()).as(object.name()).isEqualTo(at);
            assertThat(object.lengthBytes()).isPositive().isLessThanOrEqualTo(RbdSnapshotSource.PIECE_BYTES);
            at += object.lengthBytes();
        }
        assertThat(at).isEqualTo(size);
        assertThat(objects).extracting(SourceObject::name).containsExactly(
                "backups/volume-v.backup.b@backup.b.snap.1 bytes 0-4194303",
                "backups/volume-v.backup.b@backup.b.snap.1 (unallocated) bytes 4194304-37748735",
                "backups/volume-v.backup.b@backup.b.snap.1 (unallocated) bytes 37748736-41943039",
                "backups/volume-v.backup.b@backup.b.snap.1 bytes 41943040-75497471",
                "backups/volume-v.backup.b@backup.b.snap.1 bytes 75497472-83886079",
                "backups/volume-v.backup.b@backup.b.snap.1 (unallocated) bytes 83886080-104857599",
                "backups/volume-v.backup.b@backup.b.snap.1 bytes 104857600-104861695");
        assertThat(layout(size, extents)).extracting(SourceObject::name)
                .isEqualTo(objects.stream().map(SourceObject::name).toList());
    }

    @Test
    void extentsPastTheEndAreClippedAndAnEmptySnapshotIsOneHole() {
        assertThat(layout(8 * MIB, List.of(new Extent(4 * MIB, 8 * MIB, true))))
                .extracting(SourceObject::offsetBytes, SourceObject::lengthBytes)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 4 * MIB),
                        org.assertj.core.groups.Tuple.tuple(4 * MIB, 4 * MIB));
        assertThat(layout(3 * MIB, List.of())).extracting(SourceObject::lengthBytes).containsExactly(3 * MIB);
        // holes say they are zeros, so a writer that skips zeros is not handed them; data does not
        assertThat(layout(8 * MIB, List.of(new Extent(4 * MIB, 4 * MIB, true))))
                .extracting(o -> o.opener().zeros()).containsExactly(true, false);
    }

    @Test
    void aHoleReadsAsZerosIntoADirtyBuffer() throws Exception {
        SourceObject hole = layout(MIB + 10, List.of()).get(0);
        ByteBuffer buffer = ByteBuffer.allocateDirect(700_000);
        long total = 0;
        try (ReadableByteChannel channel = hole.opener().open()) {
            int n;
            while (true) {
                while (buffer.hasRemaining()) {
                    buffer.put((byte) 7);
                }
                buffer.clear();
                n = channel.read(buffer);
                if (n < 0) {
                    break;
                }
                buffer.flip();
                assertThat(buffer.remaining()).isEqualTo(n);
                while (buffer.hasRemaining()) {
                    assertThat(buffer.get()).isZero();
                }
                buffer.clear();
                total += n;
            }
        }
        assertThat(total).isEqualTo(MIB + 10);
    }
}
