package dev.restoreagent.agent.verify;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.io.rbd.RbdImageSpec;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rbd.RbdImage;

import java.io.IOException;
import java.nio.ByteBuffer;

/** An RBD image, or a snapshot of one, read through librbd; the connection stays the caller's. */
final class RbdReader implements TargetReader {
    private final String name;
    private final IoContext pool;
    private final RbdImage image;

    private interface Opening {
        RbdImage open(IoContext pool) throws NativeIoException;
    }

    /** A target image, read back. */
    RbdReader(RbdConnection connection, RbdImageSpec spec) throws NativeIoException {
        this(connection, spec.pool(), spec.namespace(), spec.toString(), pool -> RbdImage.open(pool, spec.image()));
    }

    /** An image at {@code snapshot} (its head when null), opened read-only; {@code name} names it in messages. */
    RbdReader(RbdConnection connection, String poolName, String namespace, String imageName, String snapshot,
              String name) throws NativeIoException {
        this(connection, poolName, namespace, name, pool -> RbdImage.openReadOnly(pool, imageName, snapshot));
    }

    private RbdReader(RbdConnection connection, String poolName, String namespace, String name, Opening opening)
            throws NativeIoException {
        this.name = name;
        this.pool = connection.openPool(poolName, namespace);
        try {
            this.image = opening.open(pool);
        } catch (NativeIoException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() throws IOException {
        return image.stat().sizeBytes();
    }

    @Override
    public void read(long offset, ByteBuffer into) throws IOException {
        image.read(offset, into);
    }

    @Override
    public void close() throws IOException {
        try {
            image.close();
        } finally {
            pool.close();
        }
    }
}
