package dev.restoreagent.agent.decode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A source channel read through one small direct buffer, which a decoder consumes in place. The
 * buffer is the worker's for the whole restore; {@link #reset} points it at the next object.
 *
 * <p>{@link #buffer()} is in read mode: position to limit are the bytes not yet consumed. Every
 * read of the channel is timed, so that another thread can see a read that does not return
 * ({@link #readBlockedNanos}).
 */
final class CompressedInput {
    private final ByteBuffer buffer;
    private ReadableByteChannel channel;
    private boolean eof;
    private volatile long readBytes;
    /** {@link System#nanoTime()} when the read in progress began; 0 when none is. */
    private volatile long readSince;

    /** @param buffer a direct buffer the caller owns and keeps for as long as this is used */
    CompressedInput(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    void reset(ReadableByteChannel channel) {
        this.channel = channel;
        this.eof = false;
        this.readBytes = 0;
        buffer.clear().flip();
    }

    ByteBuffer buffer() {
        return buffer;
    }

    /** Compressed bytes consumed so far: where in the object a decoder stands. */
    long consumedBytes() {
        return readBytes - buffer.remaining();
    }

    boolean atEof() {
        return eof && !buffer.hasRemaining();
    }

    /**
     * Reads more after the unconsumed bytes; returns false only at the end of the source with
     * nothing left in the buffer.
     */
    boolean fill() throws SourceReadException {
        return fill(1);
    }

    /**
     * Reads until at least {@code bytes} are unconsumed or the source ends; returns whether any
     * byte is unconsumed.
     */
    boolean fill(int bytes) throws SourceReadException {
        buffer.compact();
        try {
            while (!eof && buffer.position() < bytes) {
                int n = timedRead(buffer);
                if (n < 0) {
                    eof = true;
                } else {
                    readBytes += n;
                }
            }
        } catch (IOException e) {
            throw new SourceReadException(e);
        } finally {
            buffer.flip();
        }
        return buffer.hasRemaining();
    }

    /**
     * Copies unconsumed bytes into {@code dst}, then reads the channel straight into it: the
     * zero-copy path of uncompressed data. Returns -1 at the end of the source.
     */
    int readInto(ByteBuffer dst) throws SourceReadException {
        if (buffer.hasRemaining()) {
            int n = Math.min(buffer.remaining(), dst.remaining());
            dst.put(buffer.slice(buffer.position(), n));
            buffer.position(buffer.position() + n);
            return n;
        }
        if (eof) {
            return -1;
        }
        try {
            int n = timedRead(dst);
            if (n < 0) {
                eof = true;
            } else {
                readBytes += n;
            }
            return n;
        } catch (IOException e) {
            throw new SourceReadException(e);
        }
    }

    private int timedRead(ByteBuffer dst) throws IOException {
        readSince = System.nanoTime();
        try {
            return channel.read(dst);
        } finally {
            readSince = 0;
        }
    }

    /**
     * How long the read in progress has been waiting at {@code now} ({@link System#nanoTime()}),
     * 0 when no read is in progress. Safe from any thread.
     */
    long readBlockedNanos(long now) {
        long since = readSince;
        return since == 0 ? 0 : Math.max(0, now - since);
    }

    /** Compressed bytes read from the channel so far. Safe from any thread. */
    long readBytes() {
        return readBytes;
    }

    /** The same bytes as an {@link InputStream}, for decoders that only take streams. */
    InputStream asStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                if (!buffer.hasRemaining() && !fill()) {
                    return -1;
                }
                return buffer.get() & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!buffer.hasRemaining() && !fill()) {
                    return -1;
                }
                int n = Math.min(len, buffer.remaining());
                buffer.get(b, off, n);
                return n;
            }
        };
    }
}
