package dev.restoreagent.agent.source.rbd;

import dev.restoreagent.agent.source.AsyncReads;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.IoCompletion;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rbd.RbdImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * One allocated range of an RBD image or snapshot as a source object's bytes: read in order through a channel
 * ({@link RbdExtentChannel}, {@code rbd_read}), or several reads at once with {@code rbd_aio_read2} straight
 * into the caller's buffers, which is how a restore reads it. Each read is bounded by the connection's
 * {@code rados_osd_op_timeout}; the image is its source's to close.
 */
final class RbdExtent implements SourceObject.Opener, AsyncReads {
    private final RbdImage image;
    private final long offset;
    private final long length;

    RbdExtent(RbdImage image, long offset, long length) {
        this.image = image;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public ReadableByteChannel open() {
        return new RbdExtentChannel(image, offset, length);
    }

    @Override
    public AsyncReads asyncReads() {
        return this;
    }

    @Override
    public int maxReadBytes() {
        return RbdExtentChannel.MAX_READ_BYTES;
    }

    @Override
    public void start(long from, ByteBuffer into, IoCompletion done) throws IOException {
        if (from < 0 || into.remaining() > maxReadBytes() || from + into.remaining() > length) {
            throw new IllegalArgumentException("a read of " + into.remaining() + " bytes at " + from
                    + " is not within one read of the extent's " + length + " bytes");
        }
        image.aioRead(offset + from, into, new IoCompletion() {
            @Override
            public void completed() {
                done.completed();
            }

            @Override
            public void failed(IOException cause) {
                done.failed(cause instanceof NativeIoException e && Errno.ENOENT.is(e.errno())
                        ? RbdExtentChannel.snapshotGone(e) : cause);
            }
        });
    }
}
