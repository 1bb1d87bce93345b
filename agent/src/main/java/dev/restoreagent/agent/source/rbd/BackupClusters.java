package dev.restoreagent.agent.source.rbd;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.RadosConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The clusters backups of Cinder's Ceph driver are read from, one connection each, made on first use and
 * shared by every restore after it: the target's own cluster (the process's connection, not closed
 * here) when a request names none, and each other cluster by its configuration. Connections carry the
 * same bounds as the target's ({@code rados_osd_op_timeout}, mount and mon timeouts), so a dead monitor or
 * OSD of the backup cluster fails a restore instead of wedging it. Thread-safe.
 */
public final class BackupClusters implements AutoCloseable {
    /** The process's own cluster connection: the daemon's {@code ceph_conf}, the command line's {@code -c}. */
    @FunctionalInterface
    public interface TargetCluster {
        RbdConnection get() throws NativeIoException;
    }

    private final TargetCluster targetCluster;
    private final Duration osdOpTimeout;
    private final Map<RadosConfig, RbdConnection> others = new LinkedHashMap<>();
    private boolean closed;

    public BackupClusters(TargetCluster targetCluster, Duration osdOpTimeout) {
        this.targetCluster = targetCluster;
        this.osdOpTimeout = osdOpTimeout;
    }

    /**
     * The connection to {@code config}'s cluster, or to the target's when {@code config} is null.
     *
     * @throws NativeIoException the cluster cannot be reached or refuses the user (bounded)
     */
    public synchronized RbdConnection get(RadosConfig config) throws NativeIoException {
        if (closed) {
            throw new IllegalStateException("the backup clusters' connections are closed");
        }
        if (config == null) {
            return targetCluster.get();
        }
        RbdConnection connection = others.get(config);
        if (connection == null) {
            // reads only: the zero-copy setting is for writes and does not matter here
            connection = RbdConnection.connect(config, osdOpTimeout, true);
            others.put(config, connection);
        }
        return connection;
    }

    /** Closes the connections made here; the target's stays its owner's. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            others.values().forEach(RbdConnection::close);
            others.clear();
        }
    }
}
