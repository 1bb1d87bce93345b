package dev.restoreagent.agent;

import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.RadosGateway;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The daemon ({@code bin/restore-agent serve}, its class path as a checkout lays it out: the agent's jars
 * and this module's) restoring from an agent.conf store on the test cluster's RADOS Gateway.
 */
class DaemonStoreIT {
    @TempDir
    Path dir;
    private DaemonProcess daemon;

    @BeforeEach
    void daemon() {
        daemon = new DaemonProcess(dir);
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    @Tag("ceph")
    @Test
    void killedDaemonResumesAnS3RestoreAfterRestart() throws Exception {
        RadosGateway rgw = CephTestCluster.rgw();
        CinderOwnDriverTest.requireCinder();
        Path volume = daemon.allowed().resolve("volume-s3");
        Volumes.write(volume, 48L << 20, 5, new VolumeShape(0.0, 0.5, 64 * 1024));
        CinderDriver.Made made = CinderDriver.objectStore("s3", dir.resolve("cinder")).backup(
                new CinderDriver.BackupSpec(volume, UUID.randomUUID().toString(), UUID.randomUUID().toString(), null,
                        "bz2", 1L << 20, null, null), daemon.allowed().resolve("s3-record.json"));
        Path credentials = Files.writeString(dir.resolve("s3-credentials"), "[default]\naws_access_key_id = "
                + rgw.s3AccessKey() + "\naws_secret_access_key = " + rgw.s3SecretKey() + "\n");
        String stores = String.join("\n", "store.rgw.type = s3", "store.rgw.endpoint = " + rgw.endpoint(),
                "store.rgw.credentials_file = " + credentials);
        Path target = daemon.allowed().resolve("resumed-s3.img");
        daemon.killAndResume(stores, "{\"store\": \"rgw\", \"cinder_record\": \"" + made.recordFile()
                + "\", \"to\": \"" + target + "\"}", target, volume);
    }
}
