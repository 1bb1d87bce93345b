package dev.restoreagent.testkit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The second throwaway cluster that {@code scripts/with-ceph.sh} starts beside the first, holding Cinder's Ceph
 * backups as kolla-ansible deploys them: in a cluster of their own, pool {@code backups}, written by
 * {@code client.cinder-backup} and read by the agent's read-only {@code client.restore-agent}. Obtained from
 * {@link CephTestCluster#backupCluster()}.
 *
 * @param conf                 the cluster's conf for its users ({@code BACKUP_CEPH_CONF}): its mons, and no
 *                             admin key; a user's own keyring is found by its name or given with
 *                             {@code --keyring}, and client.admin is refused through it
 * @param adminConf            the cluster's own conf with client.admin's keyring ({@code BACKUP_CEPH_ADMIN_CONF}),
 *                             for the tests' admin work: looking at what the users wrote, and clean-up
 * @param pool                 the backup pool ({@code BACKUP_CEPH_POOL}, {@code backups})
 * @param restoreAgentId       the read-only user's id ({@code BACKUP_CEPH_USER}, {@code restore-agent}): caps
 *                             {@code mon 'profile rbd' osd 'profile rbd-read-only pool=backups'}
 * @param restoreAgentKeyring  its keyring ({@code BACKUP_CEPH_KEYRING})
 * @param cinderBackupId       the id Cinder's driver writes as ({@code BACKUP_CEPH_CINDER_USER},
 *                             {@code cinder-backup}): caps {@code mon 'profile rbd' osd 'profile rbd pool=backups'}
 * @param cinderBackupKeyring  its keyring ({@code BACKUP_CEPH_CINDER_KEYRING})
 */
public record CephBackupCluster(Path conf, Path adminConf, String pool, String restoreAgentId, Path restoreAgentKeyring,
        String cinderBackupId, Path cinderBackupKeyring) {

    public CephBackupCluster {
        Objects.requireNonNull(conf, "conf");
        Objects.requireNonNull(adminConf, "adminConf");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(restoreAgentId, "restoreAgentId");
        Objects.requireNonNull(restoreAgentKeyring, "restoreAgentKeyring");
        Objects.requireNonNull(cinderBackupId, "cinderBackupId");
        Objects.requireNonNull(cinderBackupKeyring, "cinderBackupKeyring");
    }
}
