package dev.restoreagent.agent;

import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreResult;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.io.rbd.RbdImageTarget;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rados.RadosConfig;
import dev.restoreagent.nativeb.rbd.ImageCreateOptions;
import dev.restoreagent.nativeb.rbd.RbdImage;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Restores into RBD images on the project's real single-node cluster. */
@Tag("ceph")
class RbdRestoreCephTest {
    private static final List<String> TAGS = List.of("none", "zlib", "gzip", "bz2", "bzip2", "zstd", "ZSTD", "off");

    @TempDir
    Path dir;
    private RbdConnection connection;
    private IoContext pool;
    private final List<String> images = new ArrayList<>();
    private long directBefore;

    @BeforeEach
    void connect() throws Exception {
        connection = RbdConnection.connect(new RadosConfig("ceph", "admin", CephTestCluster.conf(), null, Map.of()),
                Duration.ofSeconds(30), true);
        pool = connection.openPool(dev.restoreagent.io.rbd.RbdImageSpec.parse("rbd:rbd/x"));
        directBefore = DirectMemory.usedBytes();
    }

    @AfterEach
    void removeImages() throws Exception {
        if (connection == null) {
            return; // no cluster: the test was skipped before it connected
        }
        try {
            for (String image : images) {
                RbdImage.remove(pool, image);
            }
        } finally {
            pool.close();
            connection.close();
        }
        assertThat(DirectMemory.usedBytes()).as("direct memory after the test").isEqualTo(directBefore);
    }

    private String image(String prefix) {
        String name = CephTestCluster.uniqueImageName(prefix);
        images.add(name);
        return name;
    }

    private TestSupport.CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--ceph-conf", CephTestCluster.conf().toString(), "--progress", "none",
                "--state-dir", dir.resolve("state").toString()));
        return TestSupport.cli(all.toArray(String[]::new));
    }

    private String sha256(String name, long bytes) throws Exception {
        return TestSupport.sha256(pool, name, bytes);
    }

    /** The image's incomplete mark, or null. */
    private String mark(String name) throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            return image.metadata(RbdImageTarget.INCOMPLETE_KEY).orElse(null);
        }
    }

    private void fill(String name, long bytes, byte value) throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            ByteBuffer data = ByteBuffer.allocateDirect(1 << 20);
            while (data.hasRemaining()) {
                data.put(value);
            }
            for (long at = 0; at < bytes; at += data.capacity()) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                image.aioWrite(at, data.clear().limit((int) Math.min(data.capacity(), bytes - at)),
                        new dev.restoreagent.nativeb.IoCompletion() {
                            @Override
                            public void completed() {
                                done.complete(null);
                            }

                            @Override
                            public void failed(java.io.IOException cause) {
                                done.completeExceptionally(cause);
                            }
                        });
                done.get(60, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void cinderChainsWithEveryTagRestoreByteExact(long seed) throws Exception {
        Random random = new Random(seed);
        Path previous = dir.resolve("v0");
        long size = (3L << 20) + random.nextInt(1 << 20) + 12_345;
        Volumes.write(previous, size, seed, VolumeShape.DISK_LIKE);
        CinderBackup top = null;
        int layers = 1 + random.nextInt(3);
        for (int layer = 0; layer < layers; layer++) {
            Path volume = dir.resolve("v" + layer);
            if (layer > 0) {
                Volumes.mutate(previous, volume, seed + layer, 4);
            }
            long tagSeed = random.nextLong();
            top = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(32768L * (5 + random.nextInt(30)))
                    .compressionPerObject(i -> TAGS.get((int) Math.floorMod(tagSeed + i, TAGS.size())))
                    .parent(top).write(volume);
            previous = volume;
        }
        String name = image("chain");

        TestSupport.CliRun run = cli("restore", "--backup-root", dir.resolve("backups").toString(), "--backup-id",
                top.backupId(), "--to", "rbd:rbd/" + name, "--create", "--decoders", "2");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
        assertThat(run.stderr()).contains("restore-agent: ceph client.admin: rbd_disable_zero_copy_writes=false"
                + " rbd_cache=false rados_osd_op_timeout=30; image rbd:rbd/" + name
                + ": rbd_disable_zero_copy_writes=false rbd_cache=false");
        assertThat(sha256(name, size)).isEqualTo(TestSupport.sha256(previous));
        assertThat(mark(name)).isNull();
        assertThat(run.stderr()).contains("; checked against the sha256 of each block");

        // read back against the top backup's sha256file, then tampered with
        TestSupport.CliRun verified = verifyRbd(top, name);
        assertThat(verified.exitCode()).as(verified.stderr()).isEqualTo(ExitCode.OK);
        long at = size / 2 / 32768 * 32768;
        try (RbdImage image = RbdImage.open(pool, name)) {
            ByteBuffer junk = ByteBuffer.allocateDirect(512);
            junk.put(0, (byte) 1).put(1, (byte) 2);
            image.write(at, junk);
        }
        TestSupport.CliRun tampered = verifyRbd(top, name);
        assertThat(tampered.exitCode()).as(tampered.stderr()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(tampered.stderr()).contains("target rbd:rbd/" + name + " differs from backup " + top.backupId()
                + " in the block at offset " + at + " ");
    }

    private TestSupport.CliRun verifyRbd(CinderBackup top, String name) {
        return TestSupport.cli("verify", "--backup-root", dir.resolve("backups").toString(), "--backup-id",
                top.backupId(), "--target", "rbd:rbd/" + name, "--ceph-conf", CephTestCluster.conf().toString(),
                "--state-dir", dir.resolve("state").toString());
    }

    @Test
    void zerosAreSkippedOnAFreshImageAndWrittenOverOldData() throws Exception {
        Path volume = dir.resolve("v");
        long size = 6L << 20;
        Volumes.write(volume, size, 77, VolumeShape.DISK_LIKE);
        CinderBackup backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zstd").write(volume);
        MemoryBudget budget = new MemoryBudget(64L << 20);

        String fresh = image("fresh");
        RestoreResult created;
        try (RbdImageTarget target = RbdImageTarget.create(pool, fresh, size, ImageCreateOptions.DEFAULTS, connection.stallTimeout())) {
            created = TestSupport.newRestore(TestSupport.source(backup), target, budget, RestoreSettings.defaults(), "fresh")
                    .run();
        }
        assertThat(created.skippedBytes()).isPositive();
        assertThat(created.zeroedBytes()).isZero();
        assertThat(sha256(fresh, size)).isEqualTo(TestSupport.sha256(volume));

        String old = image("old");
        RbdImage.create(pool, old, size + (1 << 20), ImageCreateOptions.DEFAULTS);
        fill(old, size + (1 << 20), (byte) 0xab);
        RestoreResult overwritten;
        try (RbdImageTarget target = RbdImageTarget.open(pool, old, false, false, connection.stallTimeout())) {
            overwritten = TestSupport.newRestore(TestSupport.source(backup), target, budget, RestoreSettings.defaults(),
                    "old")
                    .run();
        }
        assertThat(overwritten.skippedBytes()).isZero();
        assertThat(overwritten.zeroedBytes()).isEqualTo(created.skippedBytes());
        assertThat(sha256(old, size)).isEqualTo(TestSupport.sha256(volume));
        // bytes past the data extent are left as they were
        try (RbdImage image = RbdImage.open(pool, old)) {
            ByteBuffer tail = ByteBuffer.allocateDirect(1 << 20);
            image.read(size, tail);
            tail.flip();
            while (tail.hasRemaining()) {
                assertThat(tail.get()).isEqualTo((byte) 0xab);
            }
        }
    }

    @Test
    void cancelInTheMiddleDrainsEveryWriteBeforeFreeingBuffers() throws Exception {
        Path volume = dir.resolve("v");
        long size = 96L << 20;
        Volumes.write(volume, size, 5, new VolumeShape(0.0, 0.5, 1 << 20));
        CinderBackup backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(8L << 20)
                .compression("zstd").write(volume);
        String name = image("cancel");
        try (RbdImageTarget target = RbdImageTarget.create(pool, name, size, ImageCreateOptions.DEFAULTS,
                connection.stallTimeout())) {
            Restore restore = TestSupport.newRestore(TestSupport.source(backup), target, new MemoryBudget(64L << 20),
                    new RestoreSettings(256 * 1024, 16, 1, 23, false), "cancel");
            CompletableFuture<RestoreResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return restore.run();
                } catch (RestoreFailure e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (restore.progress().doneBytes() < (8L << 20) && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            restore.cancel();
            assertThatThrownBy(() -> running.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(RestoreFailure.class)
                    .cause().satisfies(e -> assertThat(((RestoreFailure) e).kind())
                            .isEqualTo(FailureKind.CANCELLED));
            // run() returned: librbd has no write of ours in flight, and every buffer is back and freed
            assertThat(target.inFlight()).isZero();
            assertThat(DirectMemory.usedBytes()).isEqualTo(directBefore);
            assertThat(restore.progress().doneBytes()).isLessThan(size);
        }
        assertThat(mark(name)).isEqualTo(backup.backupId());
    }

    @Test
    void failedRestoreLeavesTheIncompleteMark() throws Exception {
        Path volume = dir.resolve("v");
        Volumes.write(volume, 4L << 20, 8, VolumeShape.DISK_LIKE);
        CinderBackup backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("none").write(volume);
        Path object = backup.objectPath(backup.objects().get(2).name());
        byte[] bytes = Files.readAllBytes(object);
        bytes[100] ^= 1;
        Files.write(object, bytes);
        String name = image("failed");

        TestSupport.CliRun run = cli("restore", "--backup-root", dir.resolve("backups").toString(), "--backup-id",
                backup.backupId(), "--to", "rbd:rbd/" + name, "--create");

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(run.stderr()).contains("restore-agent: target rbd:rbd/" + name
                + " is incomplete and marked so (image metadata restore-agent.incomplete of rbd/" + name + ")");
        assertThat(mark(name)).isEqualTo(backup.backupId());
    }

    @Test
    void imageOpenByAnotherClientIsRefusedUnlessForced() throws Exception {
        Path volume = dir.resolve("v");
        Volumes.write(volume, 2L << 20, 9, VolumeShape.DISK_LIKE);
        CinderBackup backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zlib").write(volume);
        String name = image("locked");
        RbdImage.create(pool, name, 2L << 20, ImageCreateOptions.DEFAULTS);
        try (RbdConnection other = RbdConnection.connect(new RadosConfig("ceph", "admin", CephTestCluster.conf(),
                null, Map.of()), Duration.ofSeconds(30), true);
             IoContext otherPool = other.openPool(dev.restoreagent.io.rbd.RbdImageSpec.parse("rbd:rbd/" + name));
             RbdImage holder = RbdImage.open(otherPool, name)) {
            holder.acquireExclusiveLock();

            TestSupport.CliRun refused = cli("restore", "--backup-root", dir.resolve("backups").toString(),
                    "--backup-id", backup.backupId(), "--to", "rbd:rbd/" + name);

            assertThat(refused.exitCode()).isEqualTo(ExitCode.TARGET);
            assertThat(refused.stderr()).startsWith("restore-agent: cannot open target rbd:rbd/" + name
                    + ": image rbd/" + name + " is open by another client (watchers: ");
            assertThat(refused.stderr()).contains("stop it first, or use --force");

            TestSupport.CliRun forced = cli("restore", "--backup-root", dir.resolve("backups").toString(),
                    "--backup-id", backup.backupId(), "--to", "rbd:rbd/" + name, "--force");

            assertThat(forced.exitCode()).as(forced.stderr()).isEqualTo(ExitCode.OK);
            assertThat(sha256(name, 2L << 20)).isEqualTo(TestSupport.sha256(volume));
        }
    }

    @Test
    void createRefusesAnExistingImage() throws Exception {
        Path volume = dir.resolve("v");
        Volumes.write(volume, 1L << 20, 10, VolumeShape.DISK_LIKE);
        CinderBackup backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zstd").write(volume);
        String name = image("exists");
        RbdImage.create(pool, name, 1L << 20, ImageCreateOptions.DEFAULTS);

        TestSupport.CliRun run = cli("restore", "--backup-root", dir.resolve("backups").toString(), "--backup-id",
                backup.backupId(), "--to", "rbd:rbd/" + name, "--create");

        assertThat(run.exitCode()).isEqualTo(ExitCode.TARGET);
        assertThat(run.stderr()).isEqualTo("restore-agent: cannot open target rbd:rbd/" + name + ": image rbd/" + name
                + " exists already; --create makes a new image only" + System.lineSeparator());
    }

    @Test
    void imageTooSmallIsRefusedBeforeWriting() throws Exception {
        Path volume = dir.resolve("v");
        Volumes.write(volume, 3L << 20, 12, VolumeShape.DISK_LIKE);
        CinderBackup backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zstd").write(volume);
        String name = image("small");

        TestSupport.CliRun run = cli("restore", "--backup-root", dir.resolve("backups").toString(), "--backup-id",
                backup.backupId(), "--to", "rbd:rbd/" + name, "--create", "--size", "2MiB");

        assertThat(run.exitCode()).isEqualTo(ExitCode.TARGET);
        assertThat(run.stderr()).contains("restore-agent: target rbd:rbd/" + name + " holds 2097152 bytes, but the"
                + " data of Cinder backup " + backup.backupId() + " (full) extends to 3145728 bytes");
        assertThat(mark(name)).isNull();
    }

    @Test
    void createSizesTheImageToWhatTheImageFileDeclaresAsTheHelpExampleDoes() throws Exception {
        Path volume = dir.resolve("disk.img");
        Volumes.write(volume, 1L << 20, 13, VolumeShape.DISK_LIKE);
        Path zst = dir.resolve("disk.img.zst");
        assertThat(new ProcessBuilder("zstd", "-q", volume.toString(), "-o", zst.toString()).start().waitFor())
                .isZero();
        for (Path file : List.of(volume, zst)) {
            String name = image("declared");
            // restore-agent restore --image disk.img.zst --to rbd:volumes/vm-1 --create
            TestSupport.CliRun run = cli("restore", "--image", file.toString(), "--to", "rbd:rbd/" + name, "--create");

            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
            try (RbdImage created = RbdImage.open(pool, name)) {
                assertThat(created.sizeBytes()).isEqualTo(1L << 20);
            }
        }
    }

    @Test
    void aStreamThatDeclaresNoSizeNeedsOneForCreate() throws Exception {
        Path fifo = dir.resolve("stream");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        TestSupport.CliRun run = cli("restore", "--image", fifo.toString(), "--to", "rbd:rbd/" + image("s"),
                "--create");
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.stderr()).contains("--create needs --size");
        images.clear();
    }

    @Test
    void createTakesTheRbdCreateOptions() throws Exception {
        Path volume = dir.resolve("disk.img");
        Volumes.write(volume, 1L << 20, 14, VolumeShape.DISK_LIKE);
        String name = image("options");

        TestSupport.CliRun run = cli("restore", "--image", volume.toString(), "--to", "rbd:rbd/" + name, "--create",
                "--object-size", "1MiB", "--image-feature", "layering", "--image-feature", "exclusive-lock,deep-flatten",
                "--data-pool", "rbd");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
        try (RbdImage created = RbdImage.open(pool, name)) {
            assertThat(created.stat().order()).isEqualTo(20);
            // data-pool (128) is set by librbd itself when a data pool is given
            assertThat(created.features() & ~128L).isEqualTo(1 | 4 | 32);
            assertThat(created.dataPoolId()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void createOptionsAreCheckedBeforeAnythingIsMade() {
        TestSupport.CliRun badFeature = cli("restore", "--image", "/dev/null", "--to", "rbd:rbd/" + image("bad"),
                "--create", "--size", "1MiB", "--image-feature", "wings");
        assertThat(badFeature.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badFeature.stderr()).startsWith("restore-agent: unknown RBD feature 'wings' (known: layering,");
        TestSupport.CliRun badSize = cli("restore", "--image", "/dev/null", "--to", "rbd:rbd/" + image("bad"),
                "--create", "--size", "1MiB", "--object-size", "3MiB");
        assertThat(badSize.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badSize.stderr()).contains("power of two");
        TestSupport.CliRun noCreate = cli("restore", "--image", "/dev/null", "--to", "rbd:rbd/" + image("bad"),
                "--object-size", "1MiB");
        assertThat(noCreate.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noCreate.stderr()).contains("go with --create");
        TestSupport.CliRun noPool = cli("restore", "--image", "/dev/null", "--to", "rbd:rbd/" + image("bad"),
                "--create", "--size", "1MiB", "--data-pool", "nosuchpool");
        assertThat(noPool.exitCode()).as(noPool.stderr()).isEqualTo(ExitCode.TARGET);
        assertThat(noPool.stderr()).contains("data pool nosuchpool does not exist");
        images.clear();
    }
}
