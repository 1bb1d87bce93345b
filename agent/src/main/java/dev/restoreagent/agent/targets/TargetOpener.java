package dev.restoreagent.agent.targets;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.io.rbd.RbdImageSpec;
import dev.restoreagent.io.rbd.RbdImageTarget;
import dev.restoreagent.io.targets.FileTarget;
import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.IoContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Opens the target a {@link TargetRequest} names: a file, a block device or an RBD image. */
public final class TargetOpener {
    /** Supplies the process's cluster connection, made on first use. */
    @FunctionalInterface
    public interface Connections {
        RbdConnection get() throws NativeIoException;
    }

    private final Connections connections;

    public TargetOpener(Connections connections) {
        this.connections = connections;
    }

    /** The process's cluster connection, for reading an image back; made on first use. */
    public RbdConnection cluster() throws NativeIoException {
        return connections.get();
    }

    /**
     * @param extentBytes where the data ends, or -1 if unknown: sizes a created file, which
     *     otherwise grows as written
     * @param declaredBytes where the data ends at least, or -1 if unknown: sizes a created image
     *     when no size is given
     * @throws IllegalArgumentException for a request that makes no sense (a usage error)
     */
    public OpenedTarget open(TargetRequest request, long extentBytes, long declaredBytes) throws RestoreFailure {
        if (RbdImageSpec.isRbd(request.to())) {
            return openRbd(RbdImageSpec.parse(request.to()), request, Math.max(extentBytes, declaredBytes));
        }
        if (request.create() || request.sizeBytes() >= 0) {
            throw new IllegalArgumentException("--create and --size are for rbd: targets; a missing file is"
                    + " created anyway");
        }
        Path path = Path.of(request.to());
        try {
            return new OpenedTarget(FileTarget.open(path, extentBytes, request.targetZeroed(),
                    request.stateDir().resolve("incomplete")), null, null, "");
        } catch (IOException e) {
            throw RestoreFailure.target("cannot open target " + path + ": " + e.getMessage(), e);
        }
    }

    private OpenedTarget openRbd(RbdImageSpec spec, TargetRequest request, long extentBytes) throws RestoreFailure {
        if (request.sizeBytes() >= 0 && !request.create()) {
            throw new IllegalArgumentException("--size goes with --create");
        }
        long size = request.sizeBytes() >= 0 ? request.sizeBytes() : extentBytes;
        if (request.create() && size <= 0) {
            throw new IllegalArgumentException("--create needs --size: the size of this stream is not known"
                    + " before it is read");
        }
        RbdConnection connection;
        try {
            connection = connections.get();
        } catch (NativeIoException e) {
            throw RestoreFailure.target(ConnectFailure.describe(e), e);
        }
        IoContext pool;
        try {
            pool = connection.openPool(spec);
        } catch (NativeIoException e) {
            String why = e.errno() == Errno.ENOENT.code() ? "pool " + spec.pool() + " does not exist" : e.getMessage();
            throw RestoreFailure.target("cannot open target " + spec + ": " + why, e);
        }
        try {
            RbdImageTarget target = request.create() && !(request.resume() && imageExists(pool, spec))
                    ? RbdImageTarget.create(pool, spec.image(), size, request.createOptions(),
                            connection.stallTimeout())
                    // on resume the lock may still be our dead predecessor's: take it over
                    : RbdImageTarget.open(pool, spec.image(), request.force() || request.resume(),
                            request.targetZeroed(), connection.stallTimeout());
            return new OpenedTarget(target, pool, connection, connection.clientName() + ": " + connection.describeSettings()
                    + "; image " + spec + ": " + imageSettings(target.effectiveConfig()));
        } catch (IOException e) {
            pool.close();
            throw RestoreFailure.target("cannot open target " + spec + ": " + e.getMessage(), e);
        }
    }

    private static boolean imageExists(IoContext pool, RbdImageSpec spec) throws IOException {
        try (dev.restoreagent.nativeb.rbd.RbdImage image = dev.restoreagent.nativeb.rbd.RbdImage.open(pool, spec.image())) {
            return true;
        } catch (NativeIoException e) {
            if (e.errno() == Errno.ENOENT.code()) {
                return false;
            }
            throw e;
        }
    }

    private static String imageSettings(Map<String, String> config) {
        return RbdConnection.ZERO_COPY + "=" + config.get(RbdConnection.ZERO_COPY) + " " + RbdConnection.CACHE + "="
                + config.get(RbdConnection.CACHE);
    }
}
