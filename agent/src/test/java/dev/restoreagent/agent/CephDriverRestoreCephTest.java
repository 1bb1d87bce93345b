package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.agent.client.ControlClient;
import dev.restoreagent.agent.daemon.Agent;
import dev.restoreagent.agent.daemon.AgentConfig;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rados.RadosConfig;
import dev.restoreagent.nativeb.rbd.RbdImage;
import dev.restoreagent.testkit.CephBackupCluster;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderDriver.CephBackup;
import dev.restoreagent.testkit.CinderDriver.CephBackupSpec;
import dev.restoreagent.testkit.CinderDriver.VolumeEdit;
import dev.restoreagent.testkit.CinderDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Backups written by Cinder's own CephBackupDriver (python3-cinder in process, through testkit's
 * {@link CinderDriver#ceph}) from RBD volumes of the test cluster into the second, backup cluster, restored
 * by the agent with the read-only user {@code client.restore-agent}, byte-exact against the volume as it was
 * when each backup was taken: into a new image, an image holding other data (the snapshot's holes must come
 * back as zeros), a file and a loop device; a non-RBD full backup and a backup of a snapshot where Cinder
 * wrote them; and the faults an operator meets, one line each.
 */
@Tag("ceph")
class CephDriverRestoreCephTest {
    private static final long MIB = 1 << 20;
    private static final long GIB = 1L << 30;

    @TempDir
    static Path dir;
    private static CephBackupCluster backups;
    private static CinderDriver cinder;
    private static String volumeId;
    private static CephBackup full;
    private static CephBackup inc;
    private static final List<String> images = new ArrayList<>();

    @BeforeAll
    static void backUp() throws Exception {
        String reason = CinderDriver.cephUnavailableReason();
        if (reason != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + " (required when CI=true)");
            }
            Assumptions.abort(reason);
        }
        backups = CephTestCluster.backupCluster();
        cinder = CinderDriver.ceph(backups, CephTestCluster.conf(), dir.resolve("cinder"));
        volumeId = UUID.randomUUID().toString();
        String fullId = UUID.randomUUID().toString();
        // a 2 GiB volume with a few MiB of data; then written over, a whole object discarded, and written past
        // 1 GiB up to its last byte
        full = cinder.backupCeph(CephBackupSpec.rbd(fullId, volumeId, null, 2, List.of(
                VolumeEdit.write(0, random("a", 3 * MIB + 12_345, 1)),
                VolumeEdit.write(100 * MIB, random("b", 4 * MIB, 2)))), dir.resolve("full.json"));
        inc = cinder.backupCeph(CephBackupSpec.rbd(UUID.randomUUID().toString(), volumeId, fullId, 2, List.of(
                VolumeEdit.write(MIB + 4096, random("c", 64 * 1024, 3)),
                VolumeEdit.discard(100 * MIB, 4 * MIB),
                VolumeEdit.write(GIB + GIB / 2 + 12_345, random("d", 2 * MIB, 4)),
                VolumeEdit.write(2 * GIB - 4096, random("e", 4096, 5)))), dir.resolve("inc.json"));
    }

    @AfterAll
    static void removeAll() throws Exception {
        if (cinder != null) {
            cinder.removeCephVolume(volumeId);
        }
        for (String image : images) {
            run("rbd", "-c", CephTestCluster.conf().toString(), "rm", "--no-progress", "rbd/" + image);
        }
    }

    private static Path random(String name, long bytes, long seed) throws IOException {
        byte[] data = new byte[Math.toIntExact(bytes)];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    /** The backup cluster as the agent reads it: the users' conf, the read-only user. */
    private static List<String> readOnly() {
        return List.of("--backup-ceph-conf", backups.conf().toString(), "--backup-ceph-user", backups.restoreAgentId());
    }

    private static TestSupport.CliRun restore(List<String> source, String... more) {
        List<String> args = new ArrayList<>(List.of("restore"));
        args.addAll(source);
        args.addAll(List.of(more));
        args.addAll(List.of("--ceph-conf", CephTestCluster.conf().toString(), "--progress", "none", "--state-dir",
                dir.resolve("state").toString()));
        return TestSupport.cli(args.toArray(String[]::new));
    }

    private static List<String> byRecord(CephBackup backup) {
        List<String> args = new ArrayList<>(List.of("--cinder-record", backup.recordFile().toString()));
        args.addAll(readOnly());
        return args;
    }

    private static String image(String prefix) {
        String name = CephTestCluster.uniqueImageName(prefix);
        images.add(name);
        return name;
    }

    /** sha256 of the first {@code bytes} of {@code rbd/name} in the test cluster, as rbd exports them. */
    private static String sha256OfImage(String name, long bytes) throws Exception {
        return run("bash", "-c", "rbd -c " + CephTestCluster.conf() + " export --no-progress rbd/" + name
                + " - | head -c " + bytes + " | sha256sum").split(" ")[0];
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return out.strip();
    }

    /** Writes {@code value} over [offset, offset + length) of a file or device. */
    private static void junk(Path file, long offset, int length, int value) throws IOException {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.seek(offset);
            out.write(bytes);
        }
    }

    @Test
    void theIncrementalRestoresByteExactIntoEveryKindOfTarget() throws Exception {
        long size = 2 * GIB;
        // a new image: the snapshot's holes are skipped
        String fresh = image("ceph-new");
        TestSupport.CliRun run = restore(byRecord(inc), "--to", "rbd:rbd/" + fresh, "--create");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(sha256OfImage(fresh, size)).isEqualTo(inc.sha256());

        // an image holding other data where the backup has holes (the discarded object among them)
        String used = image("ceph-used");
        run("rbd", "-c", CephTestCluster.conf().toString(), "create", "--size", "2G", "rbd/" + used);
        try (RbdConnection connection = RbdConnection.connect(new RadosConfig("ceph", "admin",
                CephTestCluster.conf(), null, java.util.Map.of()), java.time.Duration.ofSeconds(30), true);
             IoContext pool = connection.openPool("rbd", null);
             RbdImage opened = RbdImage.open(pool, used)) {
            ByteBuffer junk = ByteBuffer.allocateDirect((int) (8 * MIB));
            while (junk.hasRemaining()) {
                junk.put((byte) 0x5a);
            }
            for (long at : new long[] {96 * MIB, GIB + 7 * MIB, 2 * GIB - 8 * MIB}) {
                opened.write(at, junk.clear());
            }
        }
        run = restore(byRecord(inc), "--to", "rbd:rbd/" + used);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(sha256OfImage(used, size)).isEqualTo(inc.sha256());

        // a file full of other bytes where the volume has none
        Path file = dir.resolve("inc.img");
        try (RandomAccessFile sized = new RandomAccessFile(file.toFile(), "rw")) {
            sized.setLength(size);
        }
        junk(file, 100 * MIB, (int) (4 * MIB), 0x33);
        junk(file, GIB, (int) MIB, 0x34);
        run = restore(byRecord(inc), "--to", file.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(file)).isEqualTo(inc.sha256());
    }

    @Test
    void intoALoopDevice() throws Exception {
        Path backing = dir.resolve("loop-backing");
        try (RandomAccessFile file = new RandomAccessFile(backing.toFile(), "rw")) {
            file.setLength(2 * GIB);
        }
        junk(backing, 100 * MIB + 5, 4096, 0x77);
        String device = run("losetup", "-f", "--show", backing.toString());
        assertThat(device).as("losetup").startsWith("/dev/loop");
        try {
            TestSupport.CliRun run = restore(byRecord(inc), "--to", device);
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(TestSupport.sha256(Path.of(device), 2 * GIB)).isEqualTo(inc.sha256());
        } finally {
            run("losetup", "-d", device);
        }
    }

    @Test
    void theFullIsFoundByItsIdAndVolumeAndVerifiedAfter() throws Exception {
        Path file = dir.resolve("full.img");
        List<String> source = new ArrayList<>(List.of("--backup-id", full.backupId(), "--volume-id", volumeId));
        source.addAll(readOnly());
        TestSupport.CliRun run = restore(source, "--to", file.toString(), "--verify-after");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(TestSupport.sha256(file)).isEqualTo(full.sha256());
    }

    @Test
    void aNonRbdFullBackupAndABackupOfASnapshotAreFoundWhereCinderWroteThem() throws Exception {
        String volume = UUID.randomUUID().toString();
        try {
            CephBackup plain = cinder.backupCeph(CephBackupSpec.file(random("plain", 5 * MIB + 777, 6),
                    UUID.randomUUID().toString(), volume, 1).withChunkSize(4 * MIB), dir.resolve("plain.json"));
            Path target = dir.resolve("plain.img");
            TestSupport.CliRun run = restore(byRecord(plain), "--to", target.toString());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(TestSupport.sha256(target)).isEqualTo(plain.sha256());
        } finally {
            cinder.removeCephVolume(volume);
        }
        String snapped = UUID.randomUUID().toString();
        try {
            CephBackup legacy = cinder.backupCeph(CephBackupSpec.snapshot(random("snap", 2 * MIB + 99, 7),
                    UUID.randomUUID().toString(), UUID.randomUUID().toString(), snapped, 1), dir.resolve("legacy.json"));
            Path target = dir.resolve("legacy.img");
            List<String> source = new ArrayList<>(List.of("--backup-id", legacy.backupId(), "--volume-id", snapped));
            source.addAll(readOnly());
            TestSupport.CliRun run = restore(source, "--to", target.toString());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(TestSupport.sha256(target)).isEqualTo(legacy.sha256());
        } finally {
            cinder.removeCephVolume(snapped);
        }
    }

    @Test
    void faultsAreOneLineNamingTheClusterUserPoolOrImage() throws Exception {
        // a user without caps on the pool
        Path keyring = dir.resolve("nocaps.keyring");
        run("ceph", "-c", backups.adminConf().toString(), "auth", "get-or-create", "client.nocaps", "mon",
                "profile rbd", "-o", keyring.toString());
        TestSupport.CliRun run = restore(List.of("--cinder-record", inc.recordFile().toString(), "--backup-ceph-conf",
                backups.conf().toString(), "--backup-ceph-user", "nocaps", "--backup-ceph-keyring", keyring.toString()),
                "--to", dir.resolve("nocaps.img").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().findFirst().orElse("")).startsWith("restore-agent: cannot look for backup "
                + inc.backupId() + " of volume " + volumeId + " in pool backups of backup cluster " + backups.conf()
                + " as client.nocaps: ");
        assertThat(dir.resolve("nocaps.img")).doesNotExist();

        // no monitor answers: bounded by the op timeout, not a hang
        Path dead = Files.writeString(dir.resolve("dead.conf"), "[global]\nmon_host = 127.0.0.1:9\n");
        long start = System.nanoTime();
        run = restore(List.of("--cinder-record", inc.recordFile().toString(), "--backup-ceph-conf", dead.toString(),
                "--backup-ceph-user", backups.restoreAgentId(), "--backup-ceph-keyring",
                backups.restoreAgentKeyring().toString()), "--to", dir.resolve("dead.img").toString(),
                "--osd-op-timeout", "3");
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().findFirst().orElse("")).startsWith("restore-agent: cannot connect to backup"
                + " cluster " + dead + " as client.restore-agent: ");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(60));

        // a target smaller than the volume: refused before anything is written
        String small = image("ceph-small");
        run("rbd", "-c", CephTestCluster.conf().toString(), "create", "--size", "1G", "rbd/" + small);
        run = restore(byRecord(inc), "--to", "rbd:rbd/" + small);
        assertThat(run.exitCode()).isEqualTo(ExitCode.TARGET);

        // a record whose volume is not the snapshot's size: not that backup, refused before anything is written
        Path bigger = withSize(inc.recordFile(), 3);
        List<String> wrong = new ArrayList<>(byRecord(inc));
        wrong.set(1, bigger.toString());
        run = restore(wrong, "--to", dir.resolve("wrong-size.img").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().findFirst().orElse("")).matches("restore-agent: backups/volume-" + volumeId
                + "\\.backup\\.\\S+@backup\\." + inc.backupId() + "\\.snap\\.\\S+ in backup cluster .* is 2147483648 bytes,"
                + " but Cinder export record " + java.util.regex.Pattern.quote(bigger.toString()) + " says backup " + inc.backupId()
                + " is of a 3 GiB volume \\(3221225472 bytes\\): smaller than the volume, so not its backup, or damaged");
        assertThat(dir.resolve("wrong-size.img")).doesNotExist();

        // a backup whose snapshot is gone (deleted backup): the names looked for
        String gone = UUID.randomUUID().toString();
        List<String> source = new ArrayList<>(List.of("--backup-id", gone, "--volume-id", volumeId));
        source.addAll(readOnly());
        run = restore(source, "--to", dir.resolve("gone.img").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().findFirst().orElse("")).isEqualTo("restore-agent: backup " + gone
                + " of volume " + volumeId + " is not in pool backups of backup cluster " + backups.conf()
                + " as client.restore-agent: no image volume-" + volumeId + ".backup.* has a snapshot backup." + gone
                + ".snap.*, and there is no volume-" + volumeId + ".backup." + gone + " nor volume-" + volumeId
                + ".backup.base");
    }

    /** A copy of the export record {@code record} whose backup row says the volume is {@code gib} GiB. */
    private Path withSize(Path record, int gib) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode export =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(record.toFile());
        com.fasterxml.jackson.databind.node.ObjectNode row = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(java.util.Base64.getDecoder().decode(export.get("backup_url").asText()));
        row.put("size", gib);
        export.put("backup_url", java.util.Base64.getEncoder().encodeToString(json.writeValueAsBytes(row)));
        return Files.write(dir.resolve("record-" + gib + "g.json"), json.writeValueAsBytes(export));
    }

    @Test
    void aStoppedOsdOfTheBackupClusterFailsTheRestoreInBoundedTime() throws Exception {
        // the backup cluster's one OSD, as its script recorded it (DIR/run/osd.0.pid beside the users' conf)
        String osd = Files.readString(backups.conf().resolveSibling("run").resolve("osd.0.pid")).strip();
        Path target = dir.resolve("osd-stopped.img");
        long start = System.nanoTime();
        TestSupport.CliRun run;
        run("kill", "-STOP", osd);
        try {
            run = restore(byRecord(inc), "--to", target.toString(), "--osd-op-timeout", "5");
        } finally {
            run("kill", "-CONT", osd);
        }
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(90));
        assertThat(run.exitCode()).as(run.stderr()).isNotZero().isNotEqualTo(ExitCode.INTERNAL);
        assertThat(run.stderr().lines().findFirst().orElse("")).startsWith("restore-agent: ").contains("ETIMEDOUT");
        assertThat(run.stderr()).doesNotContain("\tat ");
        assertThat(target).doesNotExist();
    }

    @Test
    void fortyOneRestoresThroughOneDaemonFromItsCephStore() throws Exception {
        Path home = Files.createDirectories(dir.resolve("daemon"));
        Path socket = home.resolve("agent.sock");
        Path conf = Files.writeString(home.resolve("agent.conf"), String.join("\n", "socket = " + socket,
                "state_dir = " + home.resolve("state"), "allowed_paths = " + dir, "allowed_groups =",
                "memory_budget = 64MiB", "ceph_conf = " + CephTestCluster.conf(), "store.backups.type = ceph",
                "store.backups.conf = " + backups.conf(), "store.backups.user = " + backups.restoreAgentId(),
                "store.backups.pool = backups", ""));
        try (Agent agent = Agent.start(AgentConfig.load(conf), "test");
             ControlClient client = new ControlClient(socket)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 41; i++) {
                ids.add(client.submit(new RestoreRequest(null, full.backupId(), null, null, null, null,
                        dir.resolve("many-" + i + ".img").toString(), null, null, null, null, null, null, null, null,
                        "backups", null, volumeId, null, null)).job().path("id").asText());
            }
            for (int i = 0; i < ids.size(); i++) {
                JsonNode done = TestSupport.finished(client, ids.get(i));
                assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
                assertThat(TestSupport.sha256(dir.resolve("many-" + i + ".img"))).isEqualTo(full.sha256());
                Files.delete(dir.resolve("many-" + i + ".img"));
            }
            JsonNode budget = client.budget();
            assertThat(budget.path("peak_in_use_bytes").asLong()).isPositive()
                    .isLessThanOrEqualTo(budget.path("total_bytes").asLong());
            assertThat(budget.path("in_use_bytes").asLong()).isZero();
        }
    }
}
