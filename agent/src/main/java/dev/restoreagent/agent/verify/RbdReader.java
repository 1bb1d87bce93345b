package dev.restoreagent.agent.verify;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.io.rbd.RbdImageSpec;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rbd.RbdImage;

import java.io.IOException;
import java.nio.ByteBuffer;

/** An RBD image, read back through librbd; the connection stays the caller's. */
final class RbdReader implements TargetReader {
    private final RbdImageSpec spec;
    private final IoContext pool;
    private final RbdImage image;

    RbdReader(RbdConnection connection, RbdImageSpec spec) throws NativeIoException {
        this.spec = spec;
        this.pool = connection.openPool(spec);
        try {
            this.image = RbdImage.open(pool, spec.image());
        } catch (NativeIoException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return spec.toString();
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
