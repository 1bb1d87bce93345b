package dev.restoreagent.agent.restore;

import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.pipeline.WritePipeline;

import java.io.IOException;

/**
 * Lets several threads decode a layer's objects at once, each object written as it is decoded.
 * The objects of a layer never overlap (the metadata reader refuses overlaps), so the order of
 * their writes cannot change the result, and one large restore gets as many cores as it has decode
 * threads. Layers still drain one before the next, as a later one overwrites an earlier one.
 *
 * <p>After a failure nothing more is written: {@link #fail()} makes every later buffer be refused.
 * Objects decoded beside the failed one may have been written in part before the failure was
 * seen, as the failed object itself may; the target keeps its incomplete mark either way. With
 * one decode thread the objects are decoded, and so written, in order.
 *
 * <p>For checkpoints it tracks the head, the lowest object not yet finished: every object before
 * it has been handed to the pipeline whole. Thread-safe; every method holds this object's lock
 * briefly and never blocks (submitting to the pipeline only queues).
 */
final class LayerCommitter {
    private final WritePipeline pipeline;
    private final boolean skipZeros;
    private final boolean[] finished;
    private int head;
    private boolean failed;
    private long headMark;

    LayerCommitter(WritePipeline pipeline, int objects, boolean skipZeros) {
        this.pipeline = pipeline;
        this.skipZeros = skipZeros;
        this.finished = new boolean[objects];
    }

    /**
     * Writes {@code buffer} at {@code offsetBytes}. Ownership of {@code buffer} transfers here,
     * also when this throws.
     *
     * @throws IOException the pipeline's first write failure
     * @throws RestoreFailure if the layer has failed already: nothing is written after a failure
     */
    synchronized void accept(long offsetBytes, DirectBuffer buffer) throws IOException, RestoreFailure {
        if (failed) {
            buffer.pool().release(buffer);
            throw new RestoreFailure(RestoreFailure.Kind.CANCELLED, "layer stopped after an earlier failure");
        }
        pipeline.submit(offsetBytes, buffer, skipZeros);
    }

    /** Object {@code index} is decoded, verified and handed over whole; moves the head past every finished object. */
    synchronized void finished(int index) {
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

    /**
     * Objects handed to the pipeline completely (every object before the head), and a pipeline
     * mark after their last buffer: once {@code WritePipeline.completedThrough(mark)} and a flush,
     * they are durable.
     */
    synchronized long[] committed() {
        return new long[] {head, headMark};
    }

    /** Stops the layer: every later buffer is refused. */
    synchronized void fail() {
        failed = true;
    }
}
