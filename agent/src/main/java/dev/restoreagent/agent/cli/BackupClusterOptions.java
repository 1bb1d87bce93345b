package dev.restoreagent.agent.cli;

import dev.restoreagent.api.BackupCluster;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The cluster backups of Cinder's Ceph driver (and {@code --from}) are read from, with Cinder's option
 * names: shared by {@code restore}, {@code submit} and {@code verify}. None given: the target's cluster.
 */
final class BackupClusterOptions {
    @Option(names = "--backup-ceph-conf", paramLabel = "FILE",
            description = "The backup cluster's ceph.conf, for Ceph-driver backups and --from (Cinder's"
                    + " backup_ceph_conf; default: the target's cluster, -c).")
    Path backupCephConf;

    @Option(names = "--backup-ceph-user", paramLabel = "ID",
            description = "The backup cluster's cephx user (backup_ceph_user; default: cinder with --backup-ceph-conf).")
    String backupCephUser;

    @Option(names = "--backup-ceph-keyring", paramLabel = "FILE",
            description = "That user's keyring, where the backup cluster's conf does not name it.")
    Path backupCephKeyring;

    @Option(names = "--backup-ceph-cluster", paramLabel = "NAME",
            description = "The backup cluster's name (default: ceph).")
    String backupCephCluster;

    @Option(names = "--backup-ceph-pool", paramLabel = "POOL",
            description = "The backup pool (backup_ceph_pool; default: the export record's container, else backups).")
    String backupCephPool;

    /** The options as a request's {@code backup_cluster}, or null when none is given (the target's cluster). */
    BackupCluster toBackupCluster() {
        if (backupCephConf == null && backupCephUser == null && backupCephKeyring == null && backupCephCluster == null
                && backupCephPool == null) {
            return null;
        }
        return new BackupCluster(absolute(backupCephConf), backupCephUser, absolute(backupCephKeyring),
                backupCephCluster, backupCephPool);
    }

    private static String absolute(Path path) {
        return path == null ? null : path.toAbsolutePath().toString();
    }
}
