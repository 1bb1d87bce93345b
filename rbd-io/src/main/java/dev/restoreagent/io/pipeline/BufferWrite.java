package dev.restoreagent.io.pipeline;

import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.nativeb.IoCompletion;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One buffer on its way to the target, and its owner until the target is done with it: the
 * {@link IoCompletion} of each of its pieces (runs of data or zeros), and the one place the buffer
 * goes back to its pool.
 *
 * <p>It counts references: one for the {@link LayerWriter#accept} call that made it, one per piece
 * submitted. The call drops its own in a {@code finally}, each completion one; whichever is last
 * gives the buffer back and tells the pipeline, so a buffer refused before any piece went out, one
 * whose pieces were all skipped, and one whose last write completed all end in {@link #release()}.
 */
final class BufferWrite implements IoCompletion {
    private final WritePipeline pipeline;
    private final DirectBuffer buffer;
    private final AtomicInteger references = new AtomicInteger(1);
    private long dataBytes;
    private long zeroBytes;
    /** Set once the first piece is submitted: the pipeline counts this write in flight from then on. */
    long sequence;
    private volatile IOException failure;

    /** Ownership of {@code buffer} transfers to the new write. */
    BufferWrite(WritePipeline pipeline, DirectBuffer buffer) {
        this.pipeline = pipeline;
        this.buffer = buffer;
    }

    /** A piece of {@code length} bytes of data ({@code zeros} false) or zeros goes out: one more reference. */
    void pieceSubmitted(int length, boolean zeros) {
        references.incrementAndGet();
        if (zeros) {
            zeroBytes += length;
        } else {
            dataBytes += length;
        }
    }

    @Override
    public void completed() {
        release();
    }

    @Override
    public void failed(IOException cause) {
        if (failure == null) {
            failure = cause;
        }
        release();
    }

    /** Drops one reference; the last gives the buffer back to its pool, then tells the pipeline. */
    void release() {
        if (references.decrementAndGet() != 0) {
            return;
        }
        try {
            buffer.pool().release(buffer);
        } finally {
            if (sequence != 0) {
                pipeline.ended(sequence, failure, dataBytes, zeroBytes);
            }
        }
    }
}
