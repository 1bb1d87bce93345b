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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
}
