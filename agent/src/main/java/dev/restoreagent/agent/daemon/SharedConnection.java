package dev.restoreagent.agent.daemon;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.RadosConfig;

import java.util.Map;

/**
 * The daemon's one cluster connection, made when the first RBD restore needs it (a node that only
 * restores into devices never connects), and shared by every restore after it. Thread-safe.
 */
final class SharedConnection implements AutoCloseable {
    private final AgentConfig config;
    private RbdConnection connection;

    SharedConnection(AgentConfig config) {
        this.config = config;
    }

    synchronized RbdConnection get() throws NativeIoException {
        if (connection == null) {
            connection = RbdConnection.connect(new RadosConfig(config.cephCluster(), config.cephId(), config.cephConf(),
                    config.cephKeyring(), Map.of()), config.osdOpTimeout(), config.rbdZeroCopyWrites());
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
