package dev.restoreagent.agent.targets;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.NativeIoException;

/**
 * The process's one cluster connection, made when the first RBD target needs it (a restore into
 * a file or device never connects), and shared by every restore after it; closed once, with the
 * process. Used by the daemon and the one-shot CLI alike. Thread-safe.
 */
public final class SharedConnection implements TargetOpener.Connections, AutoCloseable {
    /** How to connect: the daemon's configuration or the command line's options. */
    @FunctionalInterface
    public interface Connector {
        RbdConnection connect() throws NativeIoException;
    }

    private final Connector connector;
    private RbdConnection connection;
    private boolean closed;

    public SharedConnection(Connector connector) {
        this.connector = connector;
    }

    /** @throws IllegalStateException once closed */
    @Override
    public synchronized RbdConnection get() throws NativeIoException {
        if (closed) {
            throw new IllegalStateException("the cluster connection is closed");
        }
        if (connection == null) {
            connection = connector.connect();
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (connection != null) {
                connection.close();
            }
        }
    }
}
