package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** How tests find the gateway and the backup cluster, over a made-up environment. */
class CephTestClusterTest {
    @TempDir
    Path dir;

    private static Map<String, String> gatewayEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("RGW_ENDPOINT", "http://127.0.0.1:21002");
        env.put("RGW_S3_ACCESS_KEY", "AKEXAMPLE");
        env.put("RGW_S3_SECRET_KEY", "SECRETEXAMPLE");
        env.put("RGW_SWIFT_AUTH_URL", "http://127.0.0.1:21002/auth/1.0");
        env.put("RGW_SWIFT_USER", "restore-test:swift");
        env.put("RGW_SWIFT_KEY", "SWIFTKEYEXAMPLE");
        return env;
    }

    @Test
    void readsEveryValueOfTheGateway() {
        RadosGateway rgw = CephTestCluster.rgw(gatewayEnv()::get);
        assertThat(rgw).isEqualTo(new RadosGateway(URI.create("http://127.0.0.1:21002"), "AKEXAMPLE",
                "SECRETEXAMPLE", URI.create("http://127.0.0.1:21002/auth/1.0"), "restore-test:swift",
                "SWIFTKEYEXAMPLE"));
        assertThat(rgw.port()).isEqualTo(21002);
    }

    @Test
    void keysStayOutOfToString() {
        assertThat(CephTestCluster.rgw(gatewayEnv()::get).toString()).contains("21002", "restore-test:swift")
                .doesNotContain("AKEXAMPLE", "SECRETEXAMPLE", "SWIFTKEYEXAMPLE");
    }

    @Test
    void aMissingGatewaySkipsOutsideCi() {
        Map<String, String> env = gatewayEnv();
        env.remove("RGW_S3_SECRET_KEY");
        env.put("RGW_SWIFT_KEY", "");
        assertThatThrownBy(() -> CephTestCluster.rgw(env::get)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no RADOS Gateway: RGW_S3_SECRET_KEY, RGW_SWIFT_KEY are unset");
    }

    @Test
    void aMissingGatewayFailsUnderCi() {
        Map<String, String> env = new HashMap<>(Map.of("CI", "true"));
        assertThatThrownBy(() -> CephTestCluster.rgw(env::get)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("CI=true, and no RADOS Gateway: RGW_ENDPOINT, RGW_S3_ACCESS_KEY,")
                .hasMessageContaining("CEPH_DEV_RGW=0 leaves it out");
    }

    @Test
    void aMalformedUrlFailsEvenOutsideCi() {
        Map<String, String> env = gatewayEnv();
        env.put("RGW_SWIFT_AUTH_URL", "127.0.0.1:21002/auth/1.0");
        assertThatThrownBy(() -> CephTestCluster.rgw(env::get)).isInstanceOf(AssertionError.class)
                .hasMessage("RGW_SWIFT_AUTH_URL is not an http URL with a host and a port: 127.0.0.1:21002/auth/1.0");
    }

    private Map<String, String> backupEnv() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_CEPH_CONF", Files.writeString(dir.resolve("client.conf"), "").toString());
        env.put("BACKUP_CEPH_ADMIN_CONF", Files.writeString(dir.resolve("ceph.conf"), "").toString());
        env.put("BACKUP_CEPH_POOL", "backups");
        env.put("BACKUP_CEPH_USER", "restore-agent");
        env.put("BACKUP_CEPH_KEYRING", Files.writeString(dir.resolve("ceph.client.restore-agent.keyring"), "")
                .toString());
        env.put("BACKUP_CEPH_CINDER_USER", "cinder-backup");
        env.put("BACKUP_CEPH_CINDER_KEYRING", Files.writeString(dir.resolve("ceph.client.cinder-backup.keyring"), "")
                .toString());
        return env;
    }

    @Test
    void readsEveryValueOfTheBackupCluster() throws IOException {
        assertThat(CephTestCluster.backupCluster(backupEnv()::get)).isEqualTo(new CephBackupCluster(
                dir.resolve("client.conf"), dir.resolve("ceph.conf"), "backups", "restore-agent",
                dir.resolve("ceph.client.restore-agent.keyring"), "cinder-backup",
                dir.resolve("ceph.client.cinder-backup.keyring")));
    }

    @Test
    void aMissingBackupClusterSkipsOutsideCi() throws IOException {
        Map<String, String> env = backupEnv();
        env.remove("BACKUP_CEPH_CONF");
        env.put("BACKUP_CEPH_CINDER_USER", "");
        assertThatThrownBy(() -> CephTestCluster.backupCluster(env::get)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no backup cluster: BACKUP_CEPH_CONF, BACKUP_CEPH_CINDER_USER are unset");
    }

    @Test
    void aMissingBackupClusterFailsUnderCi() {
        Map<String, String> env = new HashMap<>(Map.of("CI", "true"));
        assertThatThrownBy(() -> CephTestCluster.backupCluster(env::get)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("CI=true, and no backup cluster: BACKUP_CEPH_CONF, BACKUP_CEPH_ADMIN_CONF,")
                .hasMessageContaining("RESTORE_AGENT_BACKUP_CEPH=0 leaves it out");
    }

    @Test
    void aKeyringThatIsNoFileFailsUnderCi() throws IOException {
        Map<String, String> env = backupEnv();
        env.put("CI", "true");
        env.put("BACKUP_CEPH_KEYRING", dir.resolve("gone.keyring").toString());
        assertThatThrownBy(() -> CephTestCluster.backupCluster(env::get)).isInstanceOf(AssertionError.class)
                .hasMessage("CI=true, and no backup cluster: BACKUP_CEPH_KEYRING is not a file: "
                        + dir.resolve("gone.keyring"));
    }
}
