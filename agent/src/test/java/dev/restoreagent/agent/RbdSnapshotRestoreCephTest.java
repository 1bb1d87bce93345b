package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.agent.client.ControlClient;
import dev.restoreagent.agent.daemon.Agent;
import dev.restoreagent.agent.daemon.AgentConfig;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.agent.source.rbd.RbdSnapshotSource;
import dev.restoreagent.agent.source.rbd.RbdSnapshotSpec;
import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.io.targets.FileTarget;
import dev.restoreagent.io.targets.XattrMarker;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rados.RadosConfig;
import dev.restoreagent.nativeb.rbd.ImageCreateOptions;
import dev.restoreagent.nativeb.rbd.RbdImage;
import dev.restoreagent.testkit.CephTestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restores of RBD snapshots ({@code --from}) and the finding of Ceph-driver backups by Cinder's names
 * ({@code --backup-id} with {@code --volume-id}), on the test cluster: snapshots of images this test
 * writes with holes, read while the image's head moves on. Backups made by Cinder's own Ceph driver, in a
 * second cluster, are CephDriverRestoreCephTest's.
 */
@Tag("ceph")
class RbdSnapshotRestoreCephTest {
    private static final long SIZE = (40L << 20) + 4096;

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
        pool = connection.openPool("rbd", null);
        directBefore = DirectMemory.usedBytes();
    }

    @AfterEach
    void removeImages() throws Exception {
        if (connection == null) {
            // no cluster here (outside CI): the test was skipped before it connected
            return;
        }
        try {
            for (String image : images) {
                try (RbdImage opened = RbdImage.open(pool, image)) {
                    for (var snapshot : opened.snapshots()) {
                        opened.snapRemove(snapshot.name());
                    }
                } catch (Exception e) {
                    // not made: nothing to remove
                    continue;
                }
                RbdImage.remove(pool, image);
            }
        } finally {
            pool.close();
            connection.close();
        }
        assertThat(DirectMemory.usedBytes()).as("direct memory after the test").isEqualTo(directBefore);
    }

    private String image(String name) {
        images.add(name);
        return name;
    }

    private TestSupport.CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--ceph-conf", CephTestCluster.conf().toString(), "--state-dir", dir.resolve("state").toString()));
        if (args[0].equals("restore")) {
            all.addAll(List.of("--progress", "none"));
        }
        return TestSupport.cli(all.toArray(String[]::new));
    }

    /**
     * An image of {@link #SIZE} with data in three places and holes between, snapshotted as {@code snap};
     * the head is then written over, so a restore of the snapshot that read the head would differ.
     *
     * @return the snapshot's bytes
     */
    private byte[] snapshotted(String name, String snap) throws Exception {
        RbdImage.create(pool, name, SIZE, ImageCreateOptions.DEFAULTS);
        byte[] want = new byte[(int) SIZE];
        Random random = new Random(name.hashCode());
        try (RbdImage opened = RbdImage.open(pool, name)) {
            for (long[] range : new long[][] {{0, 1 << 20}, {10L << 20, 3L << 20}, {SIZE - 8192, 8192}}) {
                byte[] data = new byte[(int) range[1]];
                random.nextBytes(data);
                System.arraycopy(data, 0, want, (int) range[0], data.length);
                write(opened, range[0], data);
            }
            opened.snapCreate(snap);
            write(opened, 20L << 20, new byte[] {1, 2, 3});
            write(opened, 0, new byte[] {9, 9, 9});
        }
        return want;
    }

    private static void write(RbdImage image, long offset, byte[] data) throws Exception {
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length);
        direct.put(data).flip();
        image.write(offset, direct);
    }

    private String sha256OfImage(String name) throws Exception {
        try (RbdImage image = RbdImage.open(pool, name)) {
            return TestSupport.sha256(pool, name, image.sizeBytes());
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aSnapshotRestoresByteExactIntoAFileANewImageAndImagesAndFilesHoldingOtherData() throws Exception {
        String source = image(CephTestCluster.uniqueImageName("snap-src"));
        byte[] want = snapshotted(source, "s1");
        String from = "rbd:rbd/" + source + "@s1";

        Path file = dir.resolve("restored.img");
        TestSupport.CliRun run = cli("restore", "--from", from, "--to", file.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(file)).isEqualTo(sha256(want));
        assertThat(new XattrMarker(file).get()).isEmpty();

        // a file full of other bytes: the snapshot's holes must come back as zeros
        Path old = dir.resolve("old.img");
        byte[] junk = new byte[(int) SIZE];
        java.util.Arrays.fill(junk, (byte) 0x5a);
        Files.write(old, junk);
        run = cli("restore", "--from", from, "--to", old.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(old)).isEqualTo(sha256(want));

        String fresh = image(CephTestCluster.uniqueImageName("snap-new"));
        run = cli("restore", "--from", from, "--to", "rbd:rbd/" + fresh, "--create");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(sha256OfImage(fresh)).isEqualTo(sha256(want));

        // an existing image without extents (as Cinder creates the volume it restores into) reads as zeros:
        // the holes are skipped there, not discarded
        String empty = image(CephTestCluster.uniqueImageName("snap-empty"));
        RbdImage.create(pool, empty, SIZE, ImageCreateOptions.DEFAULTS);
        run = cli("restore", "--from", from, "--to", "rbd:rbd/" + empty, "-o", "json");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode job = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.stdout());
        assertThat(job.path("bytes_skipped_zero").asLong()).isGreaterThan(30L << 20);
        assertThat(job.path("bytes_zeroed").asLong()).isZero();
        assertThat(sha256OfImage(empty)).isEqualTo(sha256(want));

        String used = image(CephTestCluster.uniqueImageName("snap-old"));
        RbdImage.create(pool, used, SIZE, ImageCreateOptions.DEFAULTS);
        try (RbdImage opened = RbdImage.open(pool, used)) {
            write(opened, 0, junk);
        }
        run = cli("restore", "--from", from, "--to", "rbd:rbd/" + used, "-o", "json");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.stdout()).path("bytes_zeroed")
                .asLong()).isGreaterThan(30L << 20);
        assertThat(sha256OfImage(used)).isEqualTo(sha256(want));

        // a larger image: past the snapshot's end it reads as zeros afterwards, as after Cinder's restore
        // (restore_discard_excess_bytes), not as what it held
        String larger = image(CephTestCluster.uniqueImageName("snap-larger"));
        long largerSize = SIZE + (50L << 20);
        RbdImage.create(pool, larger, largerSize, ImageCreateOptions.DEFAULTS);
        byte[] junkAll = new byte[(int) largerSize];
        java.util.Arrays.fill(junkAll, (byte) 0x6b);
        try (RbdImage opened = RbdImage.open(pool, larger)) {
            write(opened, 0, junkAll);
        }
        run = cli("restore", "--from", from, "--to", "rbd:rbd/" + larger);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(sha256OfImage(larger)).isEqualTo(sha256(java.util.Arrays.copyOf(want, (int) largerSize)));
    }

    @Test
    void aCephDriverBackupIsFoundByItsIdAndVolumeAsCinderNamesThem() throws Exception {
        String volume = UUID.randomUUID().toString();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String base = image("volume-" + volume + ".backup." + first);
        byte[] want = snapshotted(base, "backup." + second + ".snap.1765000000.25");

        Path file = dir.resolve("by-id.img");
        TestSupport.CliRun run = cli("restore", "--backup-id", second, "--volume-id", volume, "--backup-ceph-pool",
                "rbd", "--to", file.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(file)).isEqualTo(sha256(want));

        // a backup id with no snapshot, and none of the full-copy names: one line naming what was looked for
        String missing = UUID.randomUUID().toString();
        run = cli("restore", "--backup-id", missing, "--volume-id", volume, "--backup-ceph-pool", "rbd", "--to",
                dir.resolve("none.img").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().findFirst().orElse("")).isEqualTo("restore-agent: backup " + missing + " of volume " + volume
                + " is not in pool rbd of the target's cluster: no image volume-" + volume + ".backup.* has a snapshot"
                + " backup." + missing + ".snap.*, and there is no volume-" + volume + ".backup." + missing
                + " nor volume-" + volume + ".backup.base");

        // two snapshots for one backup: refused, as Cinder refuses it
        try (RbdImage opened = RbdImage.open(pool, base)) {
            opened.snapCreate("backup." + second + ".snap.1765000001.5");
        }
        run = cli("restore", "--backup-id", second, "--volume-id", volume, "--backup-ceph-pool", "rbd", "--to",
                dir.resolve("two.img").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr()).contains("backup " + second + " of volume " + volume + " has 2 snapshots in pool rbd")
                .contains("Cinder allows one per backup");
    }

    @Test
    void verifyAfterAndVerifyCompareTheTargetWithTheSnapshot() throws Exception {
        String source = image(CephTestCluster.uniqueImageName("snap-verify"));
        byte[] want = snapshotted(source, "s1");
        String from = "rbd:rbd/" + source + "@s1";
        Path file = dir.resolve("checked.img");

        TestSupport.CliRun run = cli("restore", "--from", from, "--to", file.toString(), "--verify-after");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(file)).isEqualTo(sha256(want));

        run = cli("verify", "--from", from, "--target", file.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("verified " + file + " against " + from);

        // one byte changed in the second data range: the block holding it is named
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) (want[(10 << 20) + 5] ^ 1)}), (10L << 20) + 5);
        }
        run = cli("verify", "--from", from, "--target", file.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(run.stderr().strip()).startsWith("restore-agent: target " + file + " differs from rbd/" + source
                + "@s1 in the target's cluster in the block at offset " + (10L << 20) + " (1048576 bytes): sha256"
                + " expected ");
    }

    @Test
    void theDaemonReadsFromTheCephStoreItsConfigNames() throws Exception {
        String source = image(CephTestCluster.uniqueImageName("snap-daemon"));
        byte[] want = snapshotted(source, "s1");
        Path home = Files.createDirectories(dir.resolve("daemon"));
        Path socket = home.resolve("agent.sock");
        Path conf = Files.writeString(home.resolve("agent.conf"), String.join("\n", "socket = " + socket,
                "state_dir = " + home.resolve("state"), "allowed_paths = " + dir, "allowed_groups =",
                "ceph_conf = " + CephTestCluster.conf(), "store.bk.type = ceph",
                "store.bk.conf = " + CephTestCluster.conf(), "store.bk.user = admin", "store.bk.pool = rbd", ""));
        try (Agent agent = Agent.start(AgentConfig.load(conf), "test");
             ControlClient client = new ControlClient(socket)) {
            Path to = dir.resolve("daemon.img");
            String id = client.submit(new RestoreRequest(null, null, null, null, null, null, to.toString(), null, null,
                    null, null, null, null, null, true, "bk", null, null, "rbd:rbd/" + source + "@s1", null))
                    .job().path("id").asText();
            JsonNode done = TestSupport.finished(client, id);
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            // the allocated objects (0, 2 and 3 of 4 MiB, and the last 4 KiB), not the holes a new file skips
            assertThat(done.path("bytes_done").asLong()).isEqualTo((16L << 20) + 4096)
                    .isEqualTo(done.path("bytes_total").asLong());
            // the holes, and the zeros read in the allocated objects
            assertThat(done.path("bytes_skipped_zero").asLong()).isGreaterThan(SIZE - (16L << 20) - 4096);
            assertThat(TestSupport.sha256(to)).isEqualTo(sha256(want));

            // an object store's name where a Ceph cluster is wanted, and the reverse: one line each
            String wrong = client.submit(new RestoreRequest(null, "0b2f4c1e-6f4b-4d0e-9d7e-1c2d3e4f5a6b", null, null,
                    null, null, dir.resolve("w.img").toString(), null, null, null, null, null, null, null, null, "bk",
                    null)).job().path("id").asText();
            assertThat(TestSupport.finished(client, wrong).path("error").asText()).isEqualTo("store bk is a Ceph"
                    + " cluster: a backup of Cinder's Ceph driver is named by backup_id with volume_id, or by its"
                    + " export record");
        }
    }

    @Test
    void aSnapshotDeletedDuringTheRestoreFailsItAndTheMarkStays() throws Exception {
        // measured: librbd reads a snapshot deleted under an open handle as zeros, without an error
        String source = image(CephTestCluster.uniqueImageName("snap-deleted"));
        byte[] want = snapshotted(source, "s1");
        RbdSnapshotSpec spec = RbdSnapshotSpec.parse("rbd:rbd/" + source + "@s1");
        Path target = dir.resolve("deleted.img");
        try (RestoreSource opened = RbdSnapshotSource.open(connection, "the test cluster", spec, "b", "test")) {
            try (RbdImage head = RbdImage.open(pool, source)) {
                head.snapRemove("s1");
            }
            RestoreFailure failure = org.assertj.core.api.Assertions.catchThrowableOfType(RestoreFailure.class,
                    () -> TestSupport.restore(opened, target, new MemoryBudget(64L << 20),
                            dev.restoreagent.agent.restore.RestoreSettings.defaults()));
            assertThat(failure).as("the restore of a deleted snapshot failed").isNotNull();
            assertThat(failure.getMessage()).isEqualTo("rbd/" + source + "@s1 in the test cluster was deleted during"
                    + " the restore (was the backup deleted?): what was read after that is not the backup; the target"
                    + " stays marked incomplete");
        }
        assertThat(new XattrMarker(target).get()).contains("b");
        assertThat(TestSupport.sha256(target)).isNotEqualTo(sha256(want));
    }

    @Test
    void aReadAsksLibradosForOneObjectAtMostWhateverTheBuffer() throws Exception {
        // librados receives each read into a native buffer of its own before librbd copies it into ours: the
        // working set counts that copy (readCopyBytes), so no read may be larger than what it counts
        String source = image(CephTestCluster.uniqueImageName("snap-reads"));
        byte[] want = snapshotted(source, "s1");
        RbdSnapshotSpec spec = RbdSnapshotSpec.parse("rbd:rbd/" + source + "@s1");
        try (RestoreSource opened = RbdSnapshotSource.open(connection, "the test cluster", spec, "b", "test")) {
            assertThat(opened.readCopyBytes()).isEqualTo(4 << 20);
            SourceObject eightMiB = opened.layers().get(0).objects().stream()
                    .filter(o -> o.offsetBytes() == 8L << 20 && !o.opener().zeros()).findFirst().orElseThrow();
            assertThat(eightMiB.lengthBytes()).isEqualTo(8L << 20);
            ByteBuffer buffer = ByteBuffer.allocateDirect(16 << 20);
            try (var channel = eightMiB.opener().open()) {
                assertThat(channel.read(buffer)).isEqualTo(4 << 20);
                assertThat(channel.read(buffer)).isEqualTo(4 << 20);
                assertThat(channel.read(buffer)).isEqualTo(-1);
            }
            byte[] got = new byte[8 << 20];
            buffer.flip().get(got);
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(want, 8 << 20, 16 << 20));
        }
    }

    @Test
    void aResumedRestoreSkipsTheCheckpointedPiecesOfTheSameSnapshot() throws Exception {
        String source = image(CephTestCluster.uniqueImageName("snap-resume"));
        byte[] want = snapshotted(source, "s1");
        RbdSnapshotSpec spec = RbdSnapshotSpec.parse("rbd:rbd/" + source + "@s1");
        // a target that holds other bytes everywhere: what the resumed run skips keeps them
        Path target = dir.resolve("resumed.img");
        byte[] junk = new byte[(int) SIZE];
        java.util.Arrays.fill(junk, (byte) 0x5a);
        Files.write(target, junk);
        long skippedEnd;
        // the source is opened anew, as after a restart: the pieces (and so the checkpoint's object count)
        // are the same
        try (RestoreSource opened = RbdSnapshotSource.open(connection, "the test cluster", spec, "b", "test");
             FileTarget file = FileTarget.open(target, opened.extentBytes(), false, dir.resolve("markers"))) {
            SourceObject second = opened.layers().get(0).objects().get(2);
            skippedEnd = second.offsetBytes();
            TestSupport.newRestore(opened, file, new MemoryBudget(64L << 20),
                    dev.restoreagent.agent.restore.RestoreSettings.defaults(), "resume", new Checkpoint(0, 2),
                    reached -> { }).run();
        }
        byte[] got = Files.readAllBytes(target);
        assertThat(java.util.Arrays.copyOfRange(got, 0, (int) skippedEnd))
                .as("the checkpointed pieces are not written again").containsOnly((byte) 0x5a);
        assertThat(java.util.Arrays.copyOfRange(got, (int) skippedEnd, got.length))
                .isEqualTo(java.util.Arrays.copyOfRange(want, (int) skippedEnd, want.length));
    }

    @Test
    void aMissingSnapshotIsOneLineNamingIt() throws Exception {
        String source = image(CephTestCluster.uniqueImageName("snap-missing"));
        snapshotted(source, "s1");

        Path target = dir.resolve("t.img");
        TestSupport.CliRun run = cli("restore", "--from", "rbd:rbd/" + source + "@nope", "--to", target.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().findFirst().orElse("")).startsWith("restore-agent: cannot read rbd/" + source
                + "@nope in the target's cluster: no such image or snapshot");
        assertThat(target).doesNotExist();
    }
}
