package dev.restoreagent.testkit;

import static dev.restoreagent.testkit.TestSupport.ok;
import static dev.restoreagent.testkit.TestSupport.sha256Of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.testkit.CinderDriver.CephBackup;
import dev.restoreagent.testkit.CinderDriver.CephBackupSpec;
import dev.restoreagent.testkit.CinderDriver.VolumeEdit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups written by Cinder's own CephBackupDriver (Debian's python3-cinder, through {@link CinderDriver#ceph}) into
 * the backup cluster, from RBD volumes of the volume cluster and from plain files, landing where the fixture's
 * records say, with the bytes they say. Skipped where the driver cannot run, except with {@code CI=true}.
 */
@Tag("ceph")
class CephBackupDriverCephTest {
    private static final long MIB = 1 << 20;
    private static final long GIB = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireCinder() {
        String reason = CinderDriver.cephUnavailableReason();
        if (reason != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + " (required when CI=true)");
            }
            Assumptions.abort(reason);
        }
    }

    @Test
    void fullAndIncrementalRbdBackupsAreOneBaseImageWithASnapshotEach() throws Exception {
        CephBackupCluster backups = CephTestCluster.backupCluster();
        Path volumeConf = CephTestCluster.conf();
        CinderDriver cinder = CinderDriver.ceph(backups, volumeConf, dir.resolve("work"));
        String volumeId = UUID.randomUUID().toString();
        String fullId = UUID.randomUUID().toString();
        String incId = UUID.randomUUID().toString();
        try {
            // a 2 GiB volume with a few MiB of data, then overwritten, discarded (a whole 4 MiB object) and written
            // past 1 GiB, up to its last byte
            CephBackup full = cinder.backupCeph(CephBackupSpec.rbd(fullId, volumeId, null, 2, List.of(
                    VolumeEdit.write(0, random("a", 3 * MIB + 12_345, 1)),
                    VolumeEdit.write(100 * MIB, random("b", 4 * MIB, 2)))), dir.resolve("full.json"));
            CephBackup inc = cinder.backupCeph(CephBackupSpec.rbd(incId, volumeId, fullId, 2, List.of(
                    VolumeEdit.write(MIB + 4096, random("c", 64 * 1024, 3)),
                    VolumeEdit.discard(100 * MIB, 4 * MIB),
                    VolumeEdit.write(GIB + GIB / 2 + 12_345, random("d", 2 * MIB, 4)),
                    VolumeEdit.write(2 * GIB - 4096, random("e", 4096, 5)))), dir.resolve("inc.json"));

            String base = "volume-" + volumeId + ".backup." + fullId;
            assertThat(full.pool()).isEqualTo("backups");
            assertThat(full.baseImage()).isEqualTo(base);
            assertThat(inc.baseImage()).isEqualTo(base);
            assertThat(full.snapshot()).startsWith("backup." + fullId + ".snap.");
            assertThat(inc.snapshot()).startsWith("backup." + incId + ".snap.");
            assertThat(full.volumeSizeGib()).isEqualTo(2);
            assertThat(inc.parentId()).isEqualTo(fullId);
            assertThat(full.sha256()).isNotEqualTo(inc.sha256());
            for (CephBackup b : List.of(full, inc)) {
                assertThat(JSON.readTree(b.serviceMetadata()).get("base").asText()).isEqualTo(base);
                assertThat(b.metadataObject()).isEqualTo("backup." + b.backupId() + ".meta");
            }

            // one base image in the backup pool, with the two snapshots import-diff made on it
            assertThat(imagesOf(backups, volumeId)).containsExactly(base);
            assertThat(snapshots(backups.adminConf(), "backups/" + base)).containsExactly(full.snapshot(),
                    inc.snapshot());
            // the driver leaves its snapshots on the source volume: the next increment's --from-snap
            assertThat(snapshots(volumeConf, "rbd/volume-" + volumeId)).containsExactly(full.snapshot(),
                    inc.snapshot());
            for (CephBackup b : List.of(full, inc)) {
                assertThat(sha256Of(List.of("rbd", "--conf", backups.adminConf().toString(), "export", "--no-progress",
                        "backups/" + base + "@" + b.snapshot(), "-"))).as(b.snapshot()).isEqualTo(b.sha256());
                assertRecord(b, 2);
            }
            // the volume's metadata, as the driver's _backup_metadata saved it
            JsonNode meta = JSON.readTree(ok(CephBackupClusterCephTest.rados(backups, backups.restoreAgentId(), "get",
                    inc.metadataObject(), "-")));
            assertThat(meta.get("volume-base-metadata").get("id").asText()).isEqualTo(volumeId);
        } finally {
            cinder.removeCephVolume(volumeId);
        }
        assertThat(imagesOf(backups, volumeId)).isEmpty();
    }

    @Test
    void aPlainFileIsCopiedIntoAnImageOfItsBackup() throws Exception {
        CephBackupCluster backups = CephTestCluster.backupCluster();
        CinderDriver cinder = CinderDriver.ceph(backups, CephTestCluster.conf(), dir.resolve("work"));
        String volumeId = UUID.randomUUID().toString();
        String backupId = UUID.randomUUID().toString();
        try {
            // the volume's first 5 MiB and a bit; the rest of its 1 GiB is zeros
            CephBackup made = cinder.backupCeph(CephBackupSpec.file(random("v", 5 * MIB + 777, 6), backupId, volumeId,
                    1).withChunkSize(4 * MIB), dir.resolve("record.json"));

            assertThat(made.baseImage()).isEqualTo("volume-" + volumeId + ".backup." + backupId);
            assertThat(made.snapshot()).isNull();
            assertThat(made.serviceMetadata()).isNull();
            assertThat(made.metadataObject()).isEqualTo("backup." + backupId + ".meta");
            assertThat(imagesOf(backups, volumeId)).containsExactly(made.baseImage());
            assertThat(snapshots(backups.adminConf(), "backups/" + made.baseImage())).isEmpty();
            assertThat(sha256Of(List.of("rbd", "--conf", backups.adminConf().toString(), "export", "--no-progress",
                    "backups/" + made.baseImage(), "-"))).isEqualTo(made.sha256());
            assertRecord(made, 1);
        } finally {
            cinder.removeCephVolume(volumeId);
        }
        assertThat(imagesOf(backups, volumeId)).isEmpty();
    }

    @Test
    void aBackupOfASnapshotLandsAtTheLegacyBaseName() throws Exception {
        CephBackupCluster backups = CephTestCluster.backupCluster();
        CinderDriver cinder = CinderDriver.ceph(backups, CephTestCluster.conf(), dir.resolve("work"));
        String volumeId = UUID.randomUUID().toString();
        String backupId = UUID.randomUUID().toString();
        String snapshotId = UUID.randomUUID().toString();
        try {
            CephBackup made = cinder.backupCeph(CephBackupSpec.snapshot(random("s", 2 * MIB + 99, 7), snapshotId,
                    backupId, volumeId, 1), dir.resolve("record.json"));

            // Zed still writes this name, for every backup of a snapshot (_full_backup with backup.snapshot_id)
            assertThat(made.baseImage()).isEqualTo("volume-" + volumeId + ".backup.base");
            assertThat(made.snapshotId()).isEqualTo(snapshotId);
            assertThat(made.snapshot()).isNull();
            assertThat(made.serviceMetadata()).isNull();
            assertThat(imagesOf(backups, volumeId)).containsExactly(made.baseImage());
            // read as the agent reads it: the read-only user through the users' conf
            assertThat(sha256Of(CephBackupClusterCephTest.rbd(backups, backups.restoreAgentId(), "export",
                    "--no-progress", "backups/" + made.baseImage(), "-"))).isEqualTo(made.sha256());
            JsonNode row = assertRecord(made, 1);
            assertThat(row.get("snapshot_id").asText()).isEqualTo(snapshotId);
        } finally {
            cinder.removeCephVolume(volumeId);
        }
        assertThat(imagesOf(backups, volumeId)).isEmpty();
    }

    /** The export record is {@code cinder backup-export}'s, for the Ceph driver; returns its backup row. */
    private static JsonNode assertRecord(CephBackup b, int sizeGib) throws Exception {
        JsonNode record = JSON.readTree(b.recordFile().toFile());
        assertThat(record.get("backup_service").asText()).isEqualTo(CinderDriver.CEPH_SERVICE);
        JsonNode row = JSON.readTree(Base64.getDecoder().decode(record.get("backup_url").asText()));
        assertThat(row.get("id").asText()).isEqualTo(b.backupId());
        assertThat(row.get("volume_id").asText()).isEqualTo(b.volumeId());
        assertThat(row.get("container").asText()).isEqualTo(b.pool());
        assertThat(row.get("service").asText()).isEqualTo(CinderDriver.CEPH_SERVICE);
        assertThat(row.get("status").asText()).isEqualTo("available");
        assertThat(row.get("size").asInt()).isEqualTo(sizeGib);
        JsonNode metadata = row.get("service_metadata");
        assertThat(metadata.isNull() ? null : metadata.asText()).isEqualTo(b.serviceMetadata());
        JsonNode parent = row.get("parent_id");
        assertThat(parent.isNull() ? null : parent.asText()).isEqualTo(b.parentId());
        return row;
    }

    private Path random(String name, long bytes, long seed) throws Exception {
        byte[] data = new byte[Math.toIntExact(bytes)];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    /** The backup pool's images of the volume, as the admin sees them. */
    private static List<String> imagesOf(CephBackupCluster backups, String volumeId) throws Exception {
        List<String> images = new ArrayList<>();
        for (JsonNode image : JSON.readTree(ok(List.of("rbd", "--conf", backups.adminConf().toString(), "ls",
                "--format", "json", backups.pool())))) {
            if (image.asText().startsWith("volume-" + volumeId + ".")) {
                images.add(image.asText());
            }
        }
        return images;
    }

    /** An image's snapshots by name, oldest first. */
    private static List<String> snapshots(Path conf, String image) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode snap : JSON.readTree(ok(List.of("rbd", "--conf", conf.toString(), "snap", "ls", "--format",
                "json", image)))) {
            names.add(snap.get("name").asText());
        }
        return names;
    }
}
