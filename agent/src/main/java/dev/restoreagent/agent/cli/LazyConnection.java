package dev.restoreagent.agent.cli;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.NativeIoException;

/** The one-shot command's cluster connection: made only if the target is an RBD image. */
final class LazyConnection implements AutoCloseable {
    private final CephOptions options;
    private RbdConnection connection;

    LazyConnection(CephOptions options) {
        this.options = options;
    }

    RbdConnection get() throws NativeIoException {
        if (connection == null) {
            connection = options.connect();
        }
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
