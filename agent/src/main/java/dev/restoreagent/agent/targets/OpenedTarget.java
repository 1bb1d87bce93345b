package dev.restoreagent.agent.targets;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.io.targets.BlockTarget;
import dev.restoreagent.io.targets.TargetException;
import dev.restoreagent.nativeb.rados.IoContext;

import java.io.IOException;

/**
 * A target ready for a restore, with what was opened to reach it; {@link #close()} closes them in
 * reverse order (image, then pool).
 *
 * @param pool the image's pool, or null for files and devices
 * @param connection the cluster connection the image uses, or null; not closed here
 * @param settings the client settings in effect, for the log (empty for files and devices)
 */
public record OpenedTarget(BlockTarget target, IoContext pool, RbdConnection connection, String settings)
        implements AutoCloseable {
    /**
     * Closes the target, then the pool. If the target is left open because writes never completed,
     * the pool and the connection stay open too (closing them would wait on those writes) and the
     * target's exception says so.
     */
    @Override
    public void close() throws IOException {
        try {
            target.close();
        } catch (TargetException e) {
            if (connection != null) {
                connection.abandon();
            }
            throw e;
        }
        if (pool != null) {
            pool.close();
        }
    }
}
