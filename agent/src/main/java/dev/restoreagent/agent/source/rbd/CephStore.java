package dev.restoreagent.agent.source.rbd;

import dev.restoreagent.nativeb.rados.RadosConfig;

/**
 * A Ceph cluster holding backups of Cinder's Ceph driver, as agent.conf names it
 * ({@code store.<name>.type = ceph}): a request's {@code store} names it, as it names S3 and Swift stores.
 *
 * @param config how to connect: the cluster's conf, the user and its keyring
 * @param pool the backup pool, where a backup's record does not name one
 */
public record CephStore(String name, RadosConfig config, String pool) {
    /** {@code backup cluster /etc/ceph/backup.conf as client.restore-agent}, for messages. */
    public String describe() {
        return describe(config);
    }

    /** How messages name the cluster {@code config} connects to. */
    public static String describe(RadosConfig config) {
        return "backup cluster " + (config.confFile() == null ? config.cluster() : config.confFile()) + " as "
                + config.clientName();
    }
}
