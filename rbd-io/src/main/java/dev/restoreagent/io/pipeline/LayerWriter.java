package dev.restoreagent.io.pipeline;

import dev.restoreagent.io.memory.DirectBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes one layer of a restore: takes every filled buffer from the decode side, owns it from then
 * on, and hands its runs of data and zeros to the target through the {@link WritePipeline} that made
 * it ({@link WritePipeline#layer}). Several decode threads may hand it buffers at once: the objects of
 * a layer never overlap (the metadata reader refuses overlaps), so the order of their writes cannot
 * change the result. Layers still drain one before the next, as a later one overwrites an earlier one.
 *
 * <p>Zeros: each buffer is split into runs of 64 KiB blocks; all-zero runs are skipped when the layer
 * may skip them (a base layer onto a target that reads as zeros), else written as zeros, which the
 * target may punch or discard instead.
 *
 * <p>After a failure nothing more is written: {@link #fail()}, or the pipeline's first failed write,
 * makes every later buffer be refused. Objects decoded beside a failed one may have been written in
 * part before the failure was seen; the target keeps its incomplete mark either way.
 *
 * <p>For checkpoints it tracks the head, the lowest object not yet finished, and reports what is
 * handed over whole as a {@link Committed} record. Thread-safe; no method blocks (submitting only
 * queues).
 */
public final class LayerWriter implements BufferSink {
    /**
     * Objects of the layer handed to the pipeline whole (every object before the head), and the
     * pipeline's sequence number of the last buffer submitted when the head last moved: once
     * {@link WritePipeline#completedThrough} that mark and a flush, they are durable.
     */
    public record Committed(int objects, long mark) {
    }

    private final WritePipeline pipeline;
    private final boolean skipZeros;
    private final boolean[] finished;
    private int head;
    private long headMark;
    private long endBytes;
    private boolean failed;

    LayerWriter(WritePipeline pipeline, int objects, boolean skipZeros) {
        this.pipeline = pipeline;
        this.skipZeros = skipZeros;
        this.finished = new boolean[objects];
    }

    /**
     * Starts writing {@code buffer}'s bytes, position to limit, at {@code offsetBytes}. Ownership of
     * {@code buffer} transfers here, also when this throws: it goes back to its pool once its last
     * write completes, or at once if nothing of it is written.
     *
     * @throws LayerStoppedException if the layer was stopped; nothing is submitted
     * @throws dev.restoreagent.io.targets.TargetException if the range passes the end of the target
     * @throws IOException the first failure of an earlier write; nothing is submitted
     */
    @Override
    public synchronized void accept(long offsetBytes, DirectBuffer buffer) throws IOException {
        // one submitter at a time, as targets expect (BlockTarget); completions never take this lock
        BufferWrite write = new BufferWrite(pipeline, buffer);
        try {
            if (failed) {
                throw new LayerStoppedException(pipeline.targetName());
            }
            ByteBuffer data = buffer.nio();
            pipeline.checkWritable(offsetBytes, data.remaining());
            endBytes = Math.max(endBytes, offsetBytes + data.remaining());
            int start = data.position();
            for (ZeroRuns.Run run : ZeroRuns.of(data)) {
                if (run.zero() && skipZeros) {
                    pipeline.skipped(run.length());
                } else {
                    pipeline.submit(write, offsetBytes + (run.from() - start), data.slice(run.from(), run.length()),
                            run.zero());
                }
            }
        } finally {
            // this call's reference: if no piece is in flight, the buffer goes back now
            write.release();
        }
    }

    @Override
    public synchronized boolean skipZeros(long offsetBytes, long lengthBytes) throws IOException {
        if (!skipZeros) {
            return false;
        }
        if (failed) {
            throw new LayerStoppedException(pipeline.targetName());
        }
        pipeline.checkWritable(offsetBytes, lengthBytes);
        endBytes = Math.max(endBytes, offsetBytes + lengthBytes);
        pipeline.skippedUnread(lengthBytes);
        return true;
    }

    /** Object {@code index} is decoded, verified and handed over whole; moves the head past every finished object. */
    public synchronized void objectFinished(int index) {
        finished[index] = true;
        if (index != head) {
            return;
        }
        while (head < finished.length && finished[head]) {
            head++;
        }
        // every buffer of the objects before the head has been submitted by now
        headMark = pipeline.lastSubmitted();
    }

    /** What of this layer is handed over whole, for the checkpointer. */
    public synchronized Committed committed() {
        return new Committed(head, headMark);
    }

    /** Where the data handed over so far ends: the highest offset plus length of any buffer. */
    public synchronized long endBytes() {
        return endBytes;
    }

    /** Stops the layer: every later buffer is refused. */
    public synchronized void fail() {
        failed = true;
    }
}
