package dev.restoreagent.stores;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;

/**
 * A response body that its client hands out only as an {@link InputStream} (the AWS SDK's sync
 * client, over Apache's), as a channel. An InputStream reads only into arrays, so each byte passes
 * through one heap array of this class on its way into the reader's buffer, which is direct: one
 * copy, from an array small enough to stay in the CPU's cache. Below it the JDK's socket reads into
 * a temporary direct buffer of its own and copies from there into the array; no sync client of the
 * SDK offers a body any other way.
 *
 * <p>One reader thread. Closing closes the stream.
 */
final class StreamBody implements ReadableByteChannel {
    /** The array: one read of the socket fills at most this much. */
    static final int CHUNK_BYTES = 64 << 10;
    /**
     * What one open body holds while it is read: the array, and as much again for the client's
     * own receive buffers (Apache's 8 KiB session buffer, the JDK socket's temporary direct buffer
     * of one read, TLS records).
     */
    static final int HELD_BYTES = 2 * CHUNK_BYTES;

    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private boolean open = true;

    StreamBody(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        int n = in.read(chunk, 0, Math.min(dst.remaining(), chunk.length));
        if (n > 0) {
            dst.put(chunk, 0, n);
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            in.close();
        }
    }
}
