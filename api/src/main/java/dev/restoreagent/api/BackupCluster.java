package dev.restoreagent.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The Ceph cluster a backup of Cinder's Ceph driver is read from, as Cinder's options name it; what is
 * left out is Cinder's default.
 *
 * @param conf {@code backup_ceph_conf}: /etc/ceph/ceph.conf
 * @param user {@code backup_ceph_user}: cinder
 * @param keyring the user's keyring, when the conf does not name it
 * @param cluster the cluster's name: ceph
 * @param pool {@code backup_ceph_pool}: backups (a record's container wins)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupCluster(String conf, String user, String keyring, String cluster, String pool) {
    public static final String DEFAULT_CONF = "/etc/ceph/ceph.conf";
    public static final String DEFAULT_USER = "cinder";
    public static final String DEFAULT_CLUSTER = "ceph";
    public static final String DEFAULT_POOL = "backups";
}
