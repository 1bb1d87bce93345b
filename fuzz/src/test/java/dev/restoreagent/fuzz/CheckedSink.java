package dev.restoreagent.fuzz;

import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.pipeline.BufferSink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The target of a fuzzed decode: keeps the bytes that reach it and checks that they come in order, each
 * buffer where the previous one ended, and never past {@code limitBytes}. A Cinder object's limit is its
 * recorded length, which the decode side must never let a buffer cross: crossing it is a violation. An
 * image's limit is the target's size, which a real target refuses to write past, as this one does
 * ({@link TargetFullException}). Buffers go back to their pool here, as a target's completion gives them
 * back. Called on the decode worker's digest thread; read after the decode has returned.
 */
public final class CheckedSink implements BufferSink {
    private final long offsetBytes;
    private final long limitBytes;
    private final boolean limitIsTargetSize;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private volatile String violation;

    /**
     * @param offsetBytes where the object's first byte goes
     * @param limitIsTargetSize whether {@code limitBytes} is the target's size (refused past) rather than
     *     a recorded length (never to be crossed)
     */
    public CheckedSink(long offsetBytes, long limitBytes, boolean limitIsTargetSize) {
        this.offsetBytes = offsetBytes;
        this.limitBytes = limitBytes;
        this.limitIsTargetSize = limitIsTargetSize;
    }

    /** A write past the end of an image's target, refused as a file or device target refuses it. */
    public static final class TargetFullException extends IOException {
        private static final long serialVersionUID = 1L;

        TargetFullException(String message) {
            super(message);
        }
    }

    @Override
    public void accept(long at, DirectBuffer buffer) throws IOException {
        try {
            ByteBuffer data = buffer.nio();
            long expected = offsetBytes + written.size();
            if (at != expected) {
                violation = "a buffer was handed at offset " + at + ", not at " + expected
                        + " where the one before ended";
                return;
            }
            if (written.size() + (long) data.remaining() > limitBytes) {
                if (limitIsTargetSize) {
                    throw new TargetFullException("a write of " + data.remaining() + " bytes at " + at
                            + " goes past the target's end at " + (offsetBytes + limitBytes));
                }
                violation = "a buffer of " + data.remaining() + " bytes at " + at + " crosses the recorded length "
                        + limitBytes + " (" + written.size() + " bytes written before it)";
                return;
            }
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            written.writeBytes(bytes);
        } finally {
            buffer.pool().release(buffer);
        }
    }

    /** What was written; fails if any buffer came out of order or crossed a recorded length. */
    public byte[] written() {
        if (violation != null) {
            throw new AssertionError(violation);
        }
        return written.toByteArray();
    }
}
