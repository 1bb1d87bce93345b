package dev.restoreagent.nativeb.rados;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to reach a cluster, the way the {@code rbd} CLI takes it.
 *
 * @param cluster the cluster name ({@code --cluster}), {@code ceph} by default
 * @param id the client id ({@code --id}), {@code admin} by default; the client is {@code client.<id>}
 * @param confFile the configuration file ({@code --ceph-conf}); null reads {@code $CEPH_CONF}, then
 *     the default search path
 * @param keyring a keyring file ({@code --keyring}), or null for the configuration's
 * @param overrides options set after reading the configuration and before connecting
 */
public record RadosConfig(String cluster, String id, Path confFile, Path keyring, Map<String, String> overrides) {
    public RadosConfig {
        overrides = Map.copyOf(new LinkedHashMap<>(overrides));
    }

    /** The client's entity name: {@code client.<id>}. */
    public String clientName() {
        return id.startsWith("client.") ? id : "client." + id;
    }
}
