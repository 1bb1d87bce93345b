package dev.restoreagent.nativeb.rbd;

import dev.restoreagent.nativeb.IoCompletion;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rados.Rados;
import dev.restoreagent.nativeb.rados.RadosConfig;
import dev.restoreagent.testkit.CephTestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** librados and librbd through the bindings, on the project's real single-node cluster. */
@Tag("ceph")
class RbdImageCephTest {
    private static final Map<String, String> ZERO_COPY = Map.of("rbd_disable_zero_copy_writes", "false",
            "rbd_cache", "false", "rados_osd_op_timeout", "30");
    private static final Map<String, String> COPYING = Map.of("rbd_disable_zero_copy_writes", "true",
            "rbd_cache", "false", "rados_osd_op_timeout", "30");
    // the tamper check may break a message's CRC (see below): a short timeout keeps that quick
    private static final Map<String, String> TAMPER_ZERO_COPY = Map.of("rbd_disable_zero_copy_writes", "false",
            "rbd_cache", "false", "rados_osd_op_timeout", "5");
    private static final Map<String, String> TAMPER_COPYING = Map.of("rbd_disable_zero_copy_writes", "true",
            "rbd_cache", "false", "rados_osd_op_timeout", "5");

    private Rados rados;
    private IoContext pool;
    private String name;

    private static Rados connect(Map<String, String> overrides) throws NativeIoException {
        return Rados.connect(new RadosConfig("ceph", "admin", CephTestCluster.conf(), null, overrides));
    }

    @BeforeEach
    void connect() throws Exception {
        rados = connect(ZERO_COPY);
        pool = rados.openIoContext("rbd", null);
        name = CephTestCluster.uniqueImageName("nb");
        RbdImage.create(pool, name, 64L << 20, ImageCreateOptions.DEFAULTS);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (rados == null) {
            return; // no cluster: the test was skipped before it connected
        }
        try {
            // an image with snapshots cannot be removed (ENOTEMPTY)
            try (RbdImage image = RbdImage.open(pool, name)) {
                for (Snapshot snapshot : image.snapshots()) {
                    image.snapRemove(snapshot.name());
                }
            }
            RbdImage.remove(pool, name);
        } finally {
            pool.close();
            rados.close();
        }
    }

    private static CompletableFuture<Void> listen(CompletableFuture<Void> future, IoCompletion[] out) {
        out[0] = new IoCompletion() {
            @Override
            public void completed() {
                future.complete(null);
            }

            @Override
            public void failed(IOException cause) {
                future.completeExceptionally(cause);
            }
        };
        return future;
    }

    private static void write(RbdImage image, long offset, ByteBuffer data) throws Exception {
        IoCompletion[] listener = new IoCompletion[1];
        CompletableFuture<Void> done = listen(new CompletableFuture<>(), listener);
        image.aioWrite(offset, data, listener[0]);
        done.get(60, TimeUnit.SECONDS);
    }

    @Test
    void configurationIsReadBackAfterConnect() throws Exception {
        assertThat(rados.configValue("rbd_disable_zero_copy_writes")).isEqualTo("false");
        assertThat(rados.configValue("rbd_cache")).isEqualTo("false");
        assertThat(rados.configValue("rados_osd_op_timeout")).isEqualTo("30");
        try (RbdImage image = RbdImage.open(pool, name)) {
            assertThat(image.effectiveConfig()).containsEntry("rbd_cache", "false")
                    .containsEntry("rbd_disable_zero_copy_writes", "false");
        }
        assertThat(RbdImage.librbdVersion()).matches("1\\.\\d+\\.\\d+");
    }

    @Test
    void asyncWritesAtUnalignedOffsetsReadBack() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            assertThat(image.sizeBytes()).isEqualTo(64L << 20);
            ByteBuffer data = ByteBuffer.allocateDirect(3 * 4096 + 17);
            for (int i = 0; i < data.capacity(); i++) {
                data.put(i, (byte) (i * 31 + 7));
            }
            write(image, 12_345, data.duplicate());
            assertThat(image.inFlight()).isZero();
            image.flush();
            ByteBuffer back = ByteBuffer.allocateDirect(data.capacity());
            image.read(12_345, back);
            assertThat(back.flip()).isEqualTo(data.duplicate().clear());
        }
    }

    @Test
    void synchronousWriteFromABufferPositionReadsBack() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            ByteBuffer data = ByteBuffer.allocateDirect(100_000);
            for (int i = 0; i < data.capacity(); i++) {
                data.put(i, (byte) (i * 13 + 5));
            }
            data.position(1000);
            image.write(777, data);
            assertThat(data.hasRemaining()).isFalse();
            ByteBuffer back = ByteBuffer.allocateDirect(99_000);
            image.read(777, back);
            assertThat(back.flip()).isEqualTo(data.duplicate().position(1000));
            assertThatThrownBy(() -> image.write(image.sizeBytes() - 10, ByteBuffer.allocateDirect(11)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is outside image");
        }
    }

    @Test
    void writeZeroesClearsARange() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            ByteBuffer ones = ByteBuffer.allocateDirect(1 << 20);
            while (ones.hasRemaining()) {
                ones.put((byte) 1);
            }
            write(image, 0, ones.flip());
            IoCompletion[] listener = new IoCompletion[1];
            CompletableFuture<Void> done = listen(new CompletableFuture<>(), listener);
            image.aioWriteZeroes(4096 + 3, 70_000, listener[0]);
            done.get(60, TimeUnit.SECONDS);
            ByteBuffer back = ByteBuffer.allocateDirect(1 << 20);
            image.read(0, back);
            for (int i = 0; i < back.capacity(); i++) {
                assertThat(back.get(i)).as("byte %d", i).isEqualTo(i >= 4099 && i < 74_099 ? (byte) 0 : (byte) 1);
            }
        }
    }

    @Test
    void statAndCreateWithFeatures() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            ImageInfo info = image.stat();
            assertThat(info.sizeBytes()).isEqualTo(64L << 20);
            assertThat(info.order()).isEqualTo(22);
            assertThat(info.objectSizeBytes()).isEqualTo(4L << 20);
            assertThat(info.objects()).isEqualTo(16);
            assertThat(info.blockNamePrefix()).startsWith("rbd_data.");
        }
        String plain = CephTestCluster.uniqueImageName("nb-plain");
        // layering only: no exclusive-lock feature, so taking the lock is refused with EINVAL
        RbdImage.create(pool, plain, 1L << 20, new ImageCreateOptions(20, 1, null));
        try (RbdImage image = RbdImage.open(pool, plain)) {
            assertThat(image.stat().order()).isEqualTo(20);
            assertThatThrownBy(image::acquireExclusiveLock).isInstanceOf(NativeIoException.class)
                    .hasMessageStartingWith("rbd_lock_acquire failed: EINVAL (errno=22)");
        } finally {
            RbdImage.remove(pool, plain);
        }
    }

    @Test
    void discardOfWholeObjectsReadsAsZeros() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            ByteBuffer ones = ByteBuffer.allocateDirect(8 << 20);
            while (ones.hasRemaining()) {
                ones.put((byte) 1);
            }
            write(image, 0, ones.flip());
            IoCompletion[] listener = new IoCompletion[1];
            CompletableFuture<Void> done = listen(new CompletableFuture<>(), listener);
            image.aioDiscard(4L << 20, 4L << 20, listener[0]);
            done.get(60, TimeUnit.SECONDS);
            ByteBuffer back = ByteBuffer.allocateDirect(8 << 20);
            image.read(0, back);
            assertThat(back.get(0)).isEqualTo((byte) 1);
            assertThat(back.get((4 << 20) - 1)).isEqualTo((byte) 1);
            for (int i = 4 << 20; i < 8 << 20; i += 4096) {
                assertThat(back.get(i)).as("byte %d", i).isZero();
            }
        }
    }

    @Test
    void writesOutsideTheImageAreRefusedBeforeSubmitting() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            // under zero-copy librbd would accept it and never complete it
            assertThatThrownBy(() -> image.aioWrite((64L << 20) - 1, ByteBuffer.allocateDirect(2), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("range 67108863+2 is outside image rbd/" + name + " of 67108864 bytes");
            assertThatThrownBy(() -> image.aioWrite(0, ByteBuffer.allocate(2), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direct buffer");
        }
    }

    @Test
    void metadataLockAndWatchers() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            assertThat(image.metadata("restore-agent.incomplete")).isEmpty();
            image.setMetadata("restore-agent.incomplete", "backup-1");
            assertThat(image.metadata("restore-agent.incomplete")).contains("backup-1");
            image.removeMetadata("restore-agent.incomplete");
            image.removeMetadata("restore-agent.incomplete");
            assertThat(image.metadata("restore-agent.incomplete")).isEmpty();

            assertThat(image.watchers()).hasSize(1);
            image.acquireExclusiveLock();
            assertThat(image.ownsExclusiveLock()).isTrue();
            assertThat(image.lockOwners()).hasSize(1);
        }
    }

    @Test
    void missingImageNamesCallAndImage() {
        assertThatThrownBy(() -> RbdImage.open(pool, "no-such-image"))
                .isInstanceOf(NativeIoException.class)
                .hasMessage("rbd_open failed: ENOENT (errno=2) (image=rbd/no-such-image)");
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() throws Exception {
        RbdImage image = RbdImage.open(pool, name);
        image.close();
        image.close();
        assertThatThrownBy(image::flush).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /**
     * The tamper check of the notes: change the buffer right after submitting. With zero-copy
     * librbd sends our memory as it is when it reads it, so a change shows: either on the image,
     * or, when it lands while the messenger is sending, as a message whose CRC no longer matches
     * and a write that fails. With copying neither can happen: librbd has its own copy.
     */
    @Test
    void zeroCopyIsReallyInEffect() throws Exception {
        int zeroCopyTampered;
        try (Rados zeroCopy = connect(TAMPER_ZERO_COPY); IoContext zeroCopyPool = zeroCopy.openIoContext("rbd", null)) {
            // a race by nature: try up to 12 times, enough evidence stops it early
            zeroCopyTampered = tamperedWrites(zeroCopyPool, 12, 2);
        }
        int copyingTampered;
        try (Rados copying = connect(TAMPER_COPYING); IoContext copyingPool = copying.openIoContext("rbd", null)) {
            copyingTampered = tamperedWrites(copyingPool, 5, Integer.MAX_VALUE);
        }
        assertThat(copyingTampered).as("writes that took bytes changed after submit, copying").isZero();
        assertThat(zeroCopyTampered).as("writes that took bytes changed after submit, zero-copy").isPositive();
    }

    private int tamperedWrites(IoContext io, int attempts, int enough) throws Exception {
        int tampered = 0;
        try (RbdImage image = RbdImage.open(io, name)) {
            for (int attempt = 0; attempt < attempts && tampered < enough; attempt++) {
                ByteBuffer data = ByteBuffer.allocateDirect(4 << 20);
                for (int i = 0; i < data.capacity(); i += 8) {
                    data.putLong(i, 0x1111111111111111L);
                }
                IoCompletion[] listener = new IoCompletion[1];
                CompletableFuture<Void> done = listen(new CompletableFuture<>(), listener);
                long offset = (long) (attempt % 16) * (4 << 20);
                image.aioWrite(offset, data.duplicate(), listener[0]);
                // the tail first: the messenger sends from the start, so it reads the tail last
                data.putLong(data.capacity() - 8, 0x2222222222222222L);
                for (int i = 0; i < data.capacity(); i += 8) {
                    data.putLong(i, 0x2222222222222222L);
                }
                try {
                    done.get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(NativeIoException.class);
                    tampered++;
                    continue;
                }
                ByteBuffer back = ByteBuffer.allocateDirect(4 << 20);
                image.read(offset, back);
                if (back.getLong(data.capacity() - 8) == 0x2222222222222222L) {
                    tampered++;
                }
            }
        }
        return tampered;
    }

    // ---- the read side: snapshots, extents, asynchronous reads ----

    private static final long MIB = 1L << 20;
    private static final String SNAPSHOT = "backup.b1.snap.1";

    /** {@code length} bytes of a pattern that differs by {@code seed} and by position. */
    private static ByteBuffer pattern(int length, int seed) {
        ByteBuffer data = ByteBuffer.allocateDirect(length);
        for (int i = 0; i < length; i++) {
            data.put(i, (byte) (i * 31 + seed * 17 + 1));
        }
        return data;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** Reads with {@link RbdImage#aioRead} and waits; the bytes from the buffer's position. */
    private static byte[] aioRead(RbdImage image, long offset, int length) throws Exception {
        ByteBuffer into = ByteBuffer.allocateDirect(length);
        IoCompletion[] listener = new IoCompletion[1];
        CompletableFuture<Void> done = listen(new CompletableFuture<>(), listener);
        image.aioRead(offset, into, listener[0]);
        done.get(60, TimeUnit.SECONDS);
        return bytes(into);
    }

    /**
     * Data in four places, with holes between and inside objects (4 MiB each), then the snapshot, then
     * two later writes: the first 8 KiB again and 4 KiB at 40 MiB.
     */
    private void writeSnapshotAndLater() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            write(image, 0, pattern(8192, 1));
            write(image, 5 * MIB + 100, pattern(3000, 2));
            write(image, 20 * MIB, pattern(8192, 3));
            write(image, 24 * MIB - 4096, pattern(8192, 4)); // the end of object 5 and the start of object 6
            image.snapCreate(SNAPSHOT);
            write(image, 0, pattern(8192, 9));
            write(image, 40 * MIB, pattern(4096, 10));
        }
    }

    @Test
    void aSnapshotReadsItsOwnBytesAndNotLaterWrites() throws Exception {
        writeSnapshotAndLater();
        try (RbdImage snapshot = RbdImage.openReadOnly(pool, name, SNAPSHOT)) {
            assertThat(snapshot.name()).isEqualTo("rbd/" + name + "@" + SNAPSHOT);
            assertThat(snapshot.sizeBytes()).isEqualTo(64 * MIB);
            assertThat(aioRead(snapshot, 0, 8192)).isEqualTo(bytes(pattern(8192, 1)));
            assertThat(aioRead(snapshot, 5 * MIB + 100, 3000)).isEqualTo(bytes(pattern(3000, 2)));
            assertThat(aioRead(snapshot, 40 * MIB, 4096)).isEqualTo(new byte[4096]);
        }
        try (RbdImage head = RbdImage.openReadOnly(pool, name, null)) {
            assertThat(head.name()).isEqualTo("rbd/" + name);
            assertThat(aioRead(head, 0, 8192)).isEqualTo(bytes(pattern(8192, 9)));
            assertThat(aioRead(head, 40 * MIB, 4096)).isEqualTo(bytes(pattern(4096, 10)));
        }
    }

    @Test
    void snapshotsAreListedOldestFirst() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            assertThat(image.snapshots()).isEmpty();
            image.snapCreate("backup.b1.snap.1");
            image.snapCreate("backup.b2.snap.2");
            List<Snapshot> snapshots = image.snapshots();
            assertThat(snapshots).extracting(Snapshot::name).containsExactly("backup.b1.snap.1", "backup.b2.snap.2");
            assertThat(snapshots).extracting(Snapshot::sizeBytes).containsExactly(64 * MIB, 64 * MIB);
            assertThat(snapshots.get(0).id()).isLessThan(snapshots.get(1).id());
            image.snapRemove("backup.b1.snap.1");
            assertThat(image.snapshots()).extracting(Snapshot::name).containsExactly("backup.b2.snap.2");
            assertThatThrownBy(() -> image.snapRemove("backup.b1.snap.1"))
                    .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(2))
                    .hasMessage("rbd_snap_remove failed: ENOENT (errno=2) (image=rbd/" + name
                            + ",snapshot=backup.b1.snap.1)");
        }
        try (RbdImage snapshot = RbdImage.openReadOnly(pool, name, "backup.b2.snap.2")) {
            assertThat(snapshot.snapshots()).extracting(Snapshot::name).containsExactly("backup.b2.snap.2");
        }
    }

    @Test
    void extentsAreTheWrittenRangesPerObject() throws Exception {
        writeSnapshotAndLater();
        try (RbdImage snapshot = RbdImage.openReadOnly(pool, name, SNAPSHOT)) {
            // per object, from its start to the end of its last written byte; the 40 MiB write came later
            assertThat(snapshot.extents(0, 64 * MIB, false)).containsExactly(
                    new Extent(0, 8192, true),
                    new Extent(4 * MIB, MIB + 100 + 3000, true),
                    new Extent(20 * MIB, 4 * MIB + 4096, true));
            // clipped to the range asked for
            assertThat(snapshot.extents(5 * MIB + 200, 1000, false))
                    .containsExactly(new Extent(5 * MIB + 200, 1000, true));
            assertThat(snapshot.extents(8 * MIB, 12 * MIB, false)).isEmpty();
        }
        try (RbdImage head = RbdImage.open(pool, name)) {
            assertThat(head.extents(32 * MIB, 32 * MIB, false)).containsExactly(new Extent(40 * MIB, 4096, true));
        }
    }

    @Test
    void wholeObjectExtentsAreObjectAlignedFromTheObjectMap() throws Exception {
        writeSnapshotAndLater();
        try (RbdImage snapshot = RbdImage.openReadOnly(pool, name, SNAPSHOT)) {
            assertThat(snapshot.features() & 16).as("fast-diff, in the cluster's default features").isEqualTo(16);
            assertThat(snapshot.fastDiffValid()).isTrue();
            assertThat(snapshot.extents(0, 64 * MIB, true)).containsExactly(
                    new Extent(0, 8 * MIB, true),
                    new Extent(20 * MIB, 8 * MIB, true));
            assertThat(snapshot.extents(5 * MIB, MIB, true)).containsExactly(new Extent(5 * MIB, MIB, true));
        }
    }

    @Test
    void wholeObjectExtentsWithoutFastDiffAskEachObject() throws Exception {
        String plain = CephTestCluster.uniqueImageName("nb-nofastdiff");
        RbdImage.create(pool, plain, 16 * MIB, new ImageCreateOptions(22, 1, null)); // layering only
        try (RbdImage image = RbdImage.open(pool, plain)) {
            assertThat(image.fastDiffValid()).isFalse();
            write(image, 4 * MIB + 100, pattern(10, 1));
            assertThat(image.extents(0, 16 * MIB, true)).containsExactly(new Extent(4 * MIB, 4 * MIB, true));
            assertThat(image.extents(0, 16 * MIB, false)).containsExactly(new Extent(4 * MIB, 110, true));
        } finally {
            RbdImage.remove(pool, plain);
        }
    }

    @Test
    void extentsOutsideTheImageAreRefused() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            assertThatThrownBy(() -> image.extents(60 * MIB, 8 * MIB, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("range 62914560+8388608 is outside image rbd/" + name + " of 67108864 bytes");
        }
    }

    @Test
    void anExceptionInTheExtentCallbackIsRethrownAfterTheCall() throws Exception {
        writeSnapshotAndLater();
        IllegalStateException boom = new IllegalStateException("boom");
        List<Extent> seen = new ArrayList<>();
        DiffIterations.Collector throwing = new DiffIterations.Collector() {
            @Override
            synchronized int add(long offset, long length, boolean exists) {
                seen.add(new Extent(offset, length, exists));
                throw boom;
            }
        };
        try (RbdImage image = RbdImage.open(pool, name)) {
            assertThatThrownBy(() -> image.extents(0, 64 * MIB, false, throwing)).isSameAs(boom);
            // objects already asked for still call back; the collector is not called again
            assertThat(seen).hasSize(1);
            assertThat(image.extents(0, 64 * MIB, false)).hasSize(4);
        }
    }

    @Test
    void manyReadsInFlightReturnTheirBytes() throws Exception {
        byte[] model = new byte[(int) (28 * MIB)];
        try (RbdImage image = RbdImage.open(pool, name)) {
            for (long[] w : new long[][] {{0, 8192, 1}, {5 * MIB + 100, 3000, 2}, {20 * MIB, 8192, 3},
                    {24 * MIB - 4096, 8192, 4}, {7 * MIB, MIB, 5}}) {
                ByteBuffer data = pattern((int) w[1], (int) w[2]);
                write(image, w[0], data);
                data.get(0, model, (int) w[0], (int) w[1]);
            }
        }
        // offset, length: object starts and middles, holes, object boundaries, unaligned
        long[][] reads = {{0, 8192}, {5 * MIB, MIB}, {5 * MIB + 99, 3002}, {20 * MIB - 1, 9000},
                {24 * MIB - 5000, 10_000}, {6 * MIB + 17, 3 * MIB}, {12 * MIB, 4096}, {1, 1}};
        try (RbdImage image = RbdImage.openReadOnly(pool, name, null)) {
            List<ByteBuffer> buffers = new ArrayList<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (long[] r : reads) {
                // each read lands from a position in the middle of a larger buffer
                ByteBuffer into = ByteBuffer.allocateDirect((int) r[1] + 200).position(100).limit(100 + (int) r[1]);
                IoCompletion[] listener = new IoCompletion[1];
                done.add(listen(new CompletableFuture<>(), listener));
                image.aioRead(r[0], into, listener[0]);
                buffers.add(into);
            }
            for (CompletableFuture<Void> d : done) {
                d.get(60, TimeUnit.SECONDS);
            }
            assertThat(image.inFlight()).isZero();
            for (int i = 0; i < reads.length; i++) {
                ByteBuffer into = buffers.get(i);
                assertThat(into.position()).as("read %d leaves the position", i).isEqualTo(100);
                int from = (int) reads[i][0];
                assertThat(bytes(into)).as("read %d at %d", i, from)
                        .isEqualTo(Arrays.copyOfRange(model, from, from + (int) reads[i][1]));
                // librbd wrote from the position to the limit and nothing around it
                ByteBuffer whole = into.duplicate().clear();
                assertThat(whole.get(99)).as("before the range").isZero();
                assertThat(whole.get(into.limit())).as("after the range").isZero();
            }
        }
    }

    @Test
    void aioReadRefusesHeapBuffersAndRangesOutsideTheImage() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            image.snapCreate(SNAPSHOT);
        }
        try (RbdImage snapshot = RbdImage.openReadOnly(pool, name, SNAPSHOT)) {
            assertThatThrownBy(() -> snapshot.aioRead(0, ByteBuffer.allocate(10), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("rbd_aio_read2 needs a direct buffer");
            assertThatThrownBy(() -> snapshot.aioRead(64 * MIB - 1, ByteBuffer.allocateDirect(2), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("range 67108863+2 is outside image rbd/" + name + "@" + SNAPSHOT
                            + " of 67108864 bytes");
            assertThat(snapshot.inFlight()).isZero();
        }
    }

    @Test
    void aMissingSnapshotIsEnoentNamingIt() {
        assertThatThrownBy(() -> RbdImage.openReadOnly(pool, name, "backup.gone.snap.1"))
                .isInstanceOfSatisfying(NativeIoException.class, e -> {
                    assertThat(e.errno()).isEqualTo(2);
                    assertThat(e.call()).isEqualTo("rbd_open_read_only");
                })
                .hasMessage("rbd_open_read_only failed: ENOENT (errno=2) (image=rbd/" + name + "@backup.gone.snap.1)");
        assertThatThrownBy(() -> RbdImage.openReadOnly(pool, "no-such-image", "s"))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(2))
                .hasMessage("rbd_open_read_only failed: ENOENT (errno=2) (image=rbd/no-such-image@s)");
    }

    @Test
    void writesThroughAReadOnlyHandleFailWithErofs() throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            image.snapCreate(SNAPSHOT);
        }
        try (RbdImage snapshot = RbdImage.openReadOnly(pool, name, SNAPSHOT)) {
            // under zero-copy librbd would accept this one and never complete it
            assertThatThrownBy(() -> snapshot.aioWrite(0, ByteBuffer.allocateDirect(10), null))
                    .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(30))
                    .hasMessage("rbd_aio_write2 failed: EROFS (errno=30) (image=rbd/" + name + "@" + SNAPSHOT
                            + ",offset=0,length=10)");
            assertThat(snapshot.inFlight()).isZero();
            IoCompletion[] listener = new IoCompletion[1];
            CompletableFuture<Void> done = listen(new CompletableFuture<>(), listener);
            snapshot.aioWriteZeroes(0, 4096, listener[0]);
            assertThatThrownBy(() -> done.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(30));
            assertThatThrownBy(() -> snapshot.snapCreate("another"))
                    .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(30));
        }
    }

    @Test
    void listNamesThePoolsImagesSorted() throws Exception {
        String other = CephTestCluster.uniqueImageName("nb-a-list");
        RbdImage.create(pool, other, MIB, ImageCreateOptions.DEFAULTS);
        try {
            List<String> names = RbdImage.list(pool);
            assertThat(names).contains(name, other).isSorted().doesNotHaveDuplicates();
        } finally {
            RbdImage.remove(pool, other);
        }
        assertThat(RbdImage.list(pool)).contains(name).doesNotContain(other);
    }
}
