package dev.restoreagent.agent.source.rbd;

import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rbd.RbdImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * One extent of an RBD image or snapshot, read straight into the caller's direct buffer (librbd fills
 * the pooled buffer: nothing on the Java heap). Each read is bounded by the connection's
 * {@code rados_osd_op_timeout}. Several channels may read one image at once (librbd's image handle
 * is thread-safe); the image is its source's to close.
 *
 * <p>librados receives each read into a buffer of its own (native, outside the JVM) before librbd copies
 * it into ours, so a read is at most {@link #MAX_READ_BYTES}: that copy is then bounded, and counted in
 * the restore's working set ({@link dev.restoreagent.agent.source.RestoreSource#readCopyBytes()}).
 */
final class RbdExtentChannel implements ReadableByteChannel {
    /** The most one read asks for: an RBD object's default size, so one object read of librados' at a time. */
    static final int MAX_READ_BYTES = 4 << 20;

    private final RbdImage image;
    private final long end;
    private long position;
    private boolean open = true;

    RbdExtentChannel(RbdImage image, long offset, long length) {
        this.image = image;
        this.position = offset;
        this.end = offset + length;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) {
            throw new java.nio.channels.ClosedChannelException();
        }
        if (position >= end) {
            return -1;
        }
        int n = (int) Math.min(Math.min(dst.remaining(), MAX_READ_BYTES), end - position);
        ByteBuffer into = dst.slice(dst.position(), n);
        try {
            image.read(position, into);
        } catch (NativeIoException e) {
            throw Errno.ENOENT.is(e.errno()) ? snapshotGone(e) : e;
        }
        if (into.position() != n) {
            throw new IOException("short read of " + image.name() + " at offset " + position + ": " + into.position()
                    + " of " + n + " bytes (is the image smaller than its snapshot said?)");
        }
        dst.position(dst.position() + n);
        position += n;
        return n;
    }

    /** What a read of a snapshot deleted under the restore fails with. */
    static IOException snapshotGone(NativeIoException e) {
        return new IOException("the snapshot is gone (was the backup deleted during the restore?): " + e.getMessage(),
                e);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
