package dev.restoreagent.testkit;

import static dev.restoreagent.testkit.TestSupport.ok;
import static dev.restoreagent.testkit.TestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two clusters of {@code scripts/with-ceph.sh} as the Ceph backup tests need them: apart from each other, and
 * in the backup cluster a writer and a read-only reader, each with a keyring of its own, driven by Debian's own
 * {@code ceph}, {@code rados} and {@code rbd} commands.
 */
@Tag("ceph")
class CephBackupClusterCephTest {
    private static final String EPERM = "(1) Operation not permitted";

    @TempDir
    Path dir;

    @Test
    void bothClustersAreUpAndApart() throws Exception {
        Path volumeConf = CephTestCluster.conf();
        CephBackupCluster backups = CephTestCluster.backupCluster();

        String volumeFsid = ok(List.of("ceph", "--conf", volumeConf.toString(), "--connect-timeout", "30", "fsid"));
        String backupFsid = ok(List.of("ceph", "--conf", backups.adminConf().toString(), "--connect-timeout", "30",
                "fsid"));
        assertThat(backupFsid.strip()).matches("[0-9a-f-]{36}").isNotEqualTo(volumeFsid.strip());
        assertThat(lines(ok(List.of("rados", "--conf", backups.adminConf().toString(), "lspools"))))
                .containsExactly("backups");
        assertThat(lines(ok(List.of("rados", "--conf", volumeConf.toString(), "lspools"))))
                .contains("rbd").doesNotContain("backups");
        assertThat(backups.pool()).isEqualTo("backups");
        assertThat(backups.restoreAgentId()).isEqualTo("restore-agent");
        assertThat(backups.cinderBackupId()).isEqualTo("cinder-backup");
        assertThat(Files.readString(backups.restoreAgentKeyring())).startsWith("[client.restore-agent]");
        assertThat(Files.readString(backups.cinderBackupKeyring())).startsWith("[client.cinder-backup]");
        // the users' conf names the same mons as the admin's, and no admin key
        assertThat(Files.readString(backups.conf())).contains(monHost(backups.adminConf()))
                .doesNotContain(backups.adminConf().getParent().resolve("keyring") + "\n");
    }

    @Test
    void theReadOnlyUserReadsTheBackupPoolButCannotWriteIt() throws Exception {
        CephBackupCluster backups = CephTestCluster.backupCluster();
        String object = "ro-check-" + UUID.randomUUID();
        String image = CephTestCluster.uniqueImageName("ro-check");
        Path data = dir.resolve("data");
        Files.writeString(data, "written by cinder-backup\n");
        try {
            // Cinder's user writes, with the keyring the conf finds by its name
            ok(rados(backups, backups.cinderBackupId(), "put", object, data.toString()));
            ok(rbd(backups, backups.cinderBackupId(), "create", "--size", "16M", backups.pool() + "/" + image));

            // the agent's user reads, found by name or given explicitly
            assertThat(ok(rados(backups, backups.restoreAgentId(), "get", object, "-")))
                    .isEqualTo("written by cinder-backup\n");
            assertThat(lines(ok(rbd(backups, backups.restoreAgentId(), "ls", backups.pool())))).contains(image);
            List<String> explicit = new ArrayList<>(rados(backups, backups.restoreAgentId(), "stat", object));
            explicit.addAll(List.of("--keyring", backups.restoreAgentKeyring().toString()));
            ok(explicit);

            // and writes nothing: objects, images, snapshots
            assertEperm(run(rados(backups, backups.restoreAgentId(), "put", object + "-2", data.toString())));
            assertEperm(run(rados(backups, backups.restoreAgentId(), "rm", object)));
            assertEperm(run(rbd(backups, backups.restoreAgentId(), "create", "--size", "16M",
                    backups.pool() + "/" + image + "-2")));
            assertEperm(run(rbd(backups, backups.restoreAgentId(), "snap", "create",
                    backups.pool() + "/" + image + "@s")));
            assertThat(ok(rados(backups, backups.restoreAgentId(), "get", object, "-")))
                    .isEqualTo("written by cinder-backup\n");
        } finally {
            run(rados(backups, backups.cinderBackupId(), "rm", object));
            run(rbd(backups, backups.cinderBackupId(), "rm", "--no-progress", backups.pool() + "/" + image));
        }
    }

    @Test
    void theBackupUsersCannotTouchTheVolumeClusterNorAdminTheBackupCluster() throws Exception {
        Path volumeConf = CephTestCluster.conf();
        CephBackupCluster backups = CephTestCluster.backupCluster();
        Map<String, Path> users = Map.of(backups.restoreAgentId(), backups.restoreAgentKeyring(),
                backups.cinderBackupId(), backups.cinderBackupKeyring());
        for (Map.Entry<String, Path> user : users.entrySet()) {
            // the volume cluster knows neither user: its mon refuses the key at once
            TestSupport.Run run = run(List.of("rados", "--conf", volumeConf.toString(), "--id", user.getKey(),
                    "--keyring", user.getValue().toString(), "-p", "rbd", "ls"));
            assertThat(run.exitCode()).as(user.getKey() + " in the volume cluster: " + run.stderr()).isNotZero();
            assertThat(run.stderr()).contains("handle_auth_bad_method");
        }
        // client.admin through the users' conf finds no keyring
        TestSupport.Run admin = run(List.of("rados", "--conf", backups.conf().toString(), "-p", backups.pool(), "ls"));
        assertThat(admin.exitCode()).as(admin.stderr()).isNotZero();
        assertThat(admin.stderr()).contains("no keyring found");
    }

    private static void assertEperm(TestSupport.Run run) {
        assertThat(run.exitCode()).as(run.stderr()).isNotZero();
        assertThat(run.stderr()).contains(EPERM);
    }

    static List<String> rados(CephBackupCluster backups, String id, String... args) {
        List<String> command = new ArrayList<>(List.of("rados", "--conf", backups.conf().toString(), "--id", id,
                "-p", backups.pool()));
        command.addAll(List.of(args));
        return command;
    }

    static List<String> rbd(CephBackupCluster backups, String id, String... args) {
        List<String> command = new ArrayList<>(List.of("rbd", "--conf", backups.conf().toString(), "--id", id));
        command.addAll(List.of(args));
        return command;
    }

    private static String monHost(Path conf) throws Exception {
        return Files.readAllLines(conf, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("mon_host"))
                .findFirst().orElseThrow();
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
