package dev.restoreagent.agent.source.store;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.rbd.BackupClusters;
import dev.restoreagent.agent.source.rbd.CephStore;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where requests may read backups besides directories: the object stores and the Ceph backup
 * clusters a request's {@code store} names (the daemon's are agent.conf's {@code store.<name>.*}
 * sections; a one-shot {@code restore} has the one its options describe), and the connections to the
 * clusters Ceph-driver backups are read from. Closing closes them all.
 */
public final class Stores implements AutoCloseable {
    /** No stores and no cluster: backups come from directories only. */
    public static final Stores NONE = new Stores(Map.of());

    private final Map<String, ObjectStore> byName;
    private final Map<String, CephStore> cephByName;
    private final BackupClusters clusters;

    public Stores(Map<String, ObjectStore> byName) {
        this(byName, Map.of(), null);
    }

    /**
     * @param clusters the connections Ceph-driver backups are read through; null when this process
     *     reads none
     */
    public Stores(Map<String, ObjectStore> byName, Map<String, CephStore> cephByName, BackupClusters clusters) {
        this.byName = new LinkedHashMap<>(byName);
        this.cephByName = new LinkedHashMap<>(cephByName);
        this.clusters = clusters;
    }

    /** The same stores, reading Ceph-driver backups through {@code clusters}, which close with them. */
    public Stores withClusters(BackupClusters clusters) {
        return new Stores(byName, cephByName, clusters);
    }

    /** The object store named {@code name}, or a failure naming those there are. */
    public ObjectStore get(String name) throws RestoreFailure {
        ObjectStore store = byName.get(name);
        if (store == null) {
            throw RestoreFailure.badInput("no object store named '" + name + "'"
                    + (cephByName.containsKey(name) ? "; it is a Ceph cluster (store." + name + ".type = ceph),"
                    + " which holds backups of Cinder's Ceph driver"
                    : names().isEmpty() ? "; agent.conf names none (store.<name>.type = s3, swift or ceph)"
                    : "; agent.conf names " + String.join(", ", new TreeSet<>(names()))));
        }
        return store;
    }

    /** The Ceph backup cluster named {@code name}, if that is what it is. */
    public Optional<CephStore> ceph(String name) {
        return Optional.ofNullable(cephByName.get(name));
    }

    /** The connections to the clusters Ceph-driver backups are read from. */
    public BackupClusters clusters() throws RestoreFailure {
        if (clusters == null) {
            throw RestoreFailure.badInput("this process reads no backups of Cinder's Ceph driver");
        }
        return clusters;
    }

    /** The names, for health and logs. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>(byName.keySet());
        names.addAll(cephByName.keySet());
        return Collections.unmodifiableSet(names);
    }

    @Override
    public void close() {
        byName.values().forEach(ObjectStore::close);
        if (clusters != null) {
            clusters.close();
        }
    }
}
