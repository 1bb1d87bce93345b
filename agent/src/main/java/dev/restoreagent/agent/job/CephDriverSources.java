package dev.restoreagent.agent.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.cinder.CinderExportRecord;
import dev.restoreagent.agent.source.rbd.CephDriverBackup;
import dev.restoreagent.agent.source.rbd.CephDriverLocator;
import dev.restoreagent.agent.source.rbd.CephStore;
import dev.restoreagent.agent.source.rbd.RbdSnapshotSource;
import dev.restoreagent.agent.source.rbd.RbdSnapshotSpec;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.verify.SnapshotComparison;
import dev.restoreagent.agent.verify.TargetReader;
import dev.restoreagent.agent.verify.TargetReaders;
import dev.restoreagent.agent.verify.TargetVerifier;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.api.BackupCluster;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.RadosConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The requests whose source is an RBD image or snapshot: backups of Cinder's Ceph driver (by id and
 * volume id, or by export record) and {@code from = rbd:...}; read from the cluster the request's
 * {@code store} or {@code backup_cluster} names, else from the target's own.
 */
public final class CephDriverSources {
    private CephDriverSources() {
    }

    /** Where a request's Ceph-driver backup is read: a connection's configuration (null: the target's) and pool. */
    private record Cluster(RadosConfig config, String pool, String name) {
    }

    /**
     * Whether {@code request} reads an RBD image or snapshot; {@code record} is its export record, parsed, or null.
     */
    public static boolean applies(RestoreRequest request, CinderExportRecord.Parsed record) {
        return request.from() != null || request.volumeId() != null || record != null && record.isCephDriver();
    }

    /**
     * The snapshot a request names, found where the request says, on a connection to its cluster.
     *
     * @param connection the backup cluster's, shared: the caller does not close it
     * @param clusterName how messages name the cluster
     * @param layerId the backup id, or the spec for {@code from}
     */
    record Located(RbdConnection connection, String clusterName, RbdSnapshotSpec spec, String layerId,
                   String description) {
    }

    /**
     * Connects to the request's backup cluster and finds its snapshot; reads no data.
     *
     * @param record the request's export record, parsed, or null
     */
    static Located locate(RestoreRequest request, CinderExportRecord.Parsed record, Stores stores)
            throws RestoreFailure {
        Cluster cluster = cluster(request, stores);
        RbdConnection connection = connect(stores, cluster);
        if (request.from() != null) {
            RbdSnapshotSpec spec;
            try {
                spec = RbdSnapshotSpec.parse(request.from());
            } catch (IllegalArgumentException e) {
                throw new RestoreRequests.FieldException("from", "from " + e.getMessage());
            }
            return new Located(connection, cluster.name(), spec, spec.toString(), "RBD " + spec);
        }
        CephDriverBackup backup;
        if (record != null) {
            backup = CephDriverBackup.of(record);
        } else {
            backup = new CephDriverBackup(request.backupId(), request.volumeId(), null,
                    CephDriverBackup.base(request.serviceMetadata(), "request"));
        }
        String pool = request.container() != null ? request.container()
                : backup.pool() != null ? backup.pool() : cluster.pool();
        RbdSnapshotSpec spec = CephDriverLocator.locate(connection, cluster.name(), pool, backup);
        return new Located(connection, cluster.name(), spec, backup.backupId(),
                "Cinder Ceph-driver backup " + backup.backupId() + " of volume " + backup.volumeId());
    }

    /**
     * Opens the request's snapshot and lists its extents; reads no data.
     *
     * @param record the request's export record, parsed, or null
     */
    static RestoreSource resolve(RestoreRequest request, CinderExportRecord.Parsed record, Stores stores)
            throws RestoreFailure {
        Located located = locate(request, record, stores);
        RestoreSource source = RbdSnapshotSource.open(located.connection(), located.clusterName(), located.spec(),
                located.layerId(), located.description());
        try {
            checkVolumeSize(source, record, located);
        } catch (RestoreFailure e) {
            try {
                source.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return source;
    }

    /**
     * A snapshot that is not as large as the volume its record says was backed up is not that backup (or is
     * damaged): Cinder makes the base image of the volume's size and import-diff resizes it with the volume, so
     * the two are equal. Without a record (ids only, {@code from}) there is nothing to compare with.
     */
    private static void checkVolumeSize(RestoreSource source, CinderExportRecord.Parsed record, Located located)
            throws RestoreFailure {
        JsonNode size = record == null ? null : record.row().get("size");
        if (size == null || !size.canConvertToLong() || size.asLong() <= 0) {
            return;
        }
        long volumeBytes = size.asLong() << 30;
        if (source.extentBytes() != volumeBytes) {
            throw RestoreFailure.badInput(located.spec() + " in " + located.clusterName() + " is "
                    + source.extentBytes() + " bytes, but " + record.where() + " says backup " + located.layerId()
                    + " is of a " + size.asLong() + " GiB volume (" + volumeBytes + " bytes): "
                    + (source.extentBytes() < volumeBytes ? "smaller" : "larger")
                    + " than the volume, so not its backup, or damaged");
        }
    }

    /**
     * Reads {@code request}'s target back beside its snapshot, two buffers of {@code bufferBytes} at a time
     * (the caller's memory), and fails on the first block that differs.
     *
     * @param record the request's export record, parsed, or null
     * @param targetCluster the target's cluster, for an {@code rbd:} target; else null
     */
    public static TargetVerifier.Verified compare(RestoreRequest request, CinderExportRecord.Parsed record,
                                                  Stores stores, RbdConnection targetCluster, long volumeBytes,
                                                  int bufferBytes, BooleanSupplier stopped)
            throws RestoreFailure, InterruptedException {
        Located located = locate(request, record, stores);
        RbdSnapshotSpec spec = located.spec();
        try (TargetReader source = TargetReaders.snapshot(located.connection(), spec.pool(), spec.namespace(),
                spec.image(), spec.snapshot(), spec + " in " + located.clusterName());
             TargetReader target = TargetReaders.open(request.to(), targetCluster);
             DirectBufferPool buffers = new DirectBufferPool("verify " + spec, bufferBytes, 2)) {
            return SnapshotComparison.compare(source, target, volumeBytes < 0 ? source.sizeBytes() : volumeBytes, buffers,
                    stopped);
        } catch (NativeIoException e) {
            throw RestoreFailure.target("cannot compare " + request.to() + " with " + spec + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw RestoreFailure.target("comparing " + request.to() + " with " + spec + " failed: " + e.getMessage(),
                    e);
        }
    }

    private static Cluster cluster(RestoreRequest request, Stores stores) throws RestoreFailure {
        if (request.store() != null) {
            CephStore store = stores.ceph(request.store()).orElse(null);
            if (store == null) {
                stores.get(request.store()); // no such store at all: its own message
                throw RestoreFailure.badInput("store " + request.store() + " is an object store; backups of Cinder's"
                        + " Ceph driver are read from a Ceph cluster (store.NAME.type = ceph)");
            }
            return new Cluster(store.config(), store.pool(), store.describe());
        }
        BackupCluster given = request.backupCluster();
        String pool = given == null || given.pool() == null ? BackupCluster.DEFAULT_POOL : given.pool();
        if (given != null && (given.conf() != null || given.user() != null || given.keyring() != null
                || given.cluster() != null)) {
            RadosConfig config = new RadosConfig(given.cluster() == null ? BackupCluster.DEFAULT_CLUSTER
                    : given.cluster(), given.user() == null ? BackupCluster.DEFAULT_USER : given.user(),
                    Path.of(given.conf() == null ? BackupCluster.DEFAULT_CONF : given.conf()),
                    given.keyring() == null ? null : Path.of(given.keyring()), Map.of());
            return new Cluster(config, pool, CephStore.describe(config));
        }
        // a pool alone names no other cluster
        return new Cluster(null, pool, "the target's cluster");
    }

    private static RbdConnection connect(Stores stores, Cluster cluster) throws RestoreFailure {
        try {
            return stores.clusters().get(cluster.config());
        } catch (NativeIoException e) {
            throw RestoreFailure.badInput("cannot connect to " + cluster.name() + ": " + e.getMessage(), e);
        }
    }
}
