package dev.restoreagent.agent.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;

/**
 * {@code length} zero bytes: an extent a snapshot does not have, or a target's excess past the data. The layer
 * writer skips them onto a target that reads as zeros and writes them as zeros (discard, punched holes)
 * everywhere else, so a target that held other data gets the snapshot's holes back.
 */
public final class ZeroChannel implements ReadableByteChannel {
    /** Bulk-copied into the caller's buffers, no per-byte loop; on the heap, so outside the budget's count. */
    private static final ByteBuffer ZEROS = ByteBuffer.wrap(new byte[64 << 10]).asReadOnlyBuffer();

    private long left;

    /** Opens {@code length} zeros, and says so ({@link SourceObject.Opener#zeros()}). */
    public static SourceObject.Opener opener(long length) {
        return new SourceObject.Opener() {
            @Override
            public ReadableByteChannel open() {
                return new ZeroChannel(length);
            }

            @Override
            public boolean zeros() {
                return true;
            }
        };
    }
    private boolean open = true;

    public ZeroChannel(long length) {
        this.left = length;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        if (left == 0) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), left);
        for (int done = 0; done < n; ) {
            int piece = Math.min(n - done, ZEROS.capacity());
            dst.put(ZEROS.duplicate().limit(piece));
            done += piece;
        }
        left -= n;
        return n;
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
