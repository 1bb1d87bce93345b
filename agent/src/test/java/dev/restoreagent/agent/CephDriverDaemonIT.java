package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.io.targets.XattrMarker;
import dev.restoreagent.testkit.CephBackupCluster;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.CinderDriver.CephBackup;
import dev.restoreagent.testkit.CinderDriver.CephBackupSpec;
import dev.restoreagent.testkit.CinderDriver.VolumeEdit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A restore of a backup by Cinder's own Ceph driver through {@code bin/restore-agent serve}, the daemon killed
 * with SIGKILL in the middle of it and started again: the job goes on from its checkpoint in the same snapshot
 * and ends byte-exact, its mark gone.
 */
@Tag("ceph")
class CephDriverDaemonIT {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aDaemonKilledMidRestoreResumesFromItsCheckpoint() throws Exception {
        String reason = CinderDriver.cephUnavailableReason();
        if (reason != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + " (required when CI=true)");
            }
            Assumptions.abort(reason);
        }
        CephBackupCluster backups = CephTestCluster.backupCluster();
        CinderDriver cinder = CinderDriver.ceph(backups, CephTestCluster.conf(), dir.resolve("cinder"));
        String volumeId = UUID.randomUUID().toString();
        Path data = random(dir.resolve("data.bin"), 512 * MIB);
        CephBackup backup = cinder.backupCeph(CephBackupSpec.rbd(UUID.randomUUID().toString(), volumeId, null, 1,
                List.of(VolumeEdit.write(0, data))), dir.resolve("record.json"));
        Files.delete(data);
        // the backup cluster's one OSD, as its script recorded it (DIR/run/osd.0.pid beside the users' conf)
        String osd = Files.readString(backups.conf().resolveSibling("run").resolve("osd.0.pid")).strip();
        // one decode thread and small buffers: the restore takes seconds, so the first checkpoint comes before its end
        String config = String.join("\n", "memory_budget = 6MiB", "store.backups.type = ceph",
                "store.backups.conf = " + backups.conf(), "store.backups.user = " + backups.restoreAgentId(),
                "store.backups.pool = backups");
        try (DaemonProcess daemon = new DaemonProcess(Files.createDirectories(dir.resolve("daemon")))) {
            daemon.start(config, "");
            Path target = daemon.allowed().resolve("restored.img");
            String id = daemon.call("POST", "/v1/restores", "{\"store\": \"backups\", \"backup_id\": \""
                    + backup.backupId() + "\", \"volume_id\": \"" + volumeId + "\", \"to\": \"" + target + "\"}")
                    .body().get("id").asText();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            JsonNode checkpoint;
            while ((checkpoint = daemon.call("GET", "/v1/restores/" + id, null).body().get("checkpoint")).isNull()
                    || checkpoint.get("objects").asInt() < 2) {
                assertThat(System.nanoTime()).as("a checkpoint past two pieces in time").isLessThan(deadline);
                Thread.sleep(20);
            }
            // the OSD stopped, the restore cannot end; killed with its reads in flight
            run("kill", "-STOP", osd);
            try {
                JsonNode job = daemon.call("GET", "/v1/restores/" + id, null).body();
                assertThat(job.get("state").asText()).as("the restore ended before it could be stopped: " + job)
                        .isEqualTo("RUNNING");
                daemon.kill();
            } finally {
                run("kill", "-CONT", osd);
            }
            assertThat(new XattrMarker(target).get()).as("the killed restore's mark").isPresent();

            daemon.start(config, "");
            JsonNode done = daemon.awaitFinished(id);

            assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(done.get("resumed_from").get("objects").asInt()).as("resumed from its checkpoint, not the start")
                    .isGreaterThanOrEqualTo(2);
            assertThat(TestSupport.sha256(target)).isEqualTo(backup.sha256());
            assertThat(new XattrMarker(target).get()).isEmpty();
        } finally {
            cinder.removeCephVolume(volumeId);
        }
    }

    /** {@code bytes} of random data, written a MiB at a time. */
    private static Path random(Path file, long bytes) throws Exception {
        Random random = new Random(21);
        byte[] chunk = new byte[(int) MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < bytes; done += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        return file;
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
