package dev.restoreagent.agent.restore;

import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.pipeline.WritePipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets several threads decode a layer's objects at once while writes still happen in object
 * order: only the lowest unfinished object (the head) writes; later objects park their filled
 * buffers here until every object before them is decoded and verified. So when an object fails
 * verification, nothing of any object after it has been written.
 *
 * <p>No deadlock: a worker decodes its objects in increasing order, so while it works on the head
 * none of its buffers is parked, and its buffers come back as their writes complete. Parked
 * buffers belong to workers ahead of the head; they wait in their own pools until the head
 * reaches them. Thread-safe; every method holds this object's lock briefly and never blocks
 * (submitting to the pipeline only queues).
 */
final class OrderedCommitter {
    private record Parked(long offsetBytes, DirectBuffer buffer) {
    }

    private final WritePipeline pipeline;
    private final boolean skipZeros;
    private final List<List<Parked>> parked;
    private final boolean[] finished;
    private int head;
    private boolean failed;
    private long headMark;

    OrderedCommitter(WritePipeline pipeline, int objects, boolean skipZeros) {
        this.pipeline = pipeline;
        this.skipZeros = skipZeros;
        this.parked = new ArrayList<>(objects);
        for (int i = 0; i < objects; i++) {
            parked.add(null);
        }
        this.finished = new boolean[objects];
    }

    /**
     * Writes {@code buffer} now if object {@code index} is the head, else parks it. Ownership of
     * {@code buffer} transfers here, also when this throws.
     *
     * @throws IOException the pipeline's first write failure
     * @throws RestoreFailure if the layer has failed already: nothing is written after a failure
     */
    synchronized void accept(int index, long offsetBytes, DirectBuffer buffer) throws IOException, RestoreFailure {
        if (failed) {
            buffer.pool().release(buffer);
            throw new RestoreFailure(RestoreFailure.Kind.CANCELLED, "layer stopped after an earlier failure");
        }
        if (index == head) {
            pipeline.submit(offsetBytes, buffer, skipZeros);
            return;
        }
        List<Parked> list = parked.get(index);
        if (list == null) {
            list = new ArrayList<>();
            parked.set(index, list);
        }
        list.add(new Parked(offsetBytes, buffer));
    }

    /** Object {@code index} is decoded and verified; moves the head past every finished object. */
    synchronized void finished(int index) throws IOException {
        finished[index] = true;
        while (head < finished.length && finished[head]) {
            head++;
            // every buffer of the objects before the head has been submitted by now
            headMark = pipeline.lastSubmitted();
            if (head < finished.length) {
                List<Parked> list = parked.set(head, null);
                if (list != null) {
                    submitAll(list);
                }
            }
        }
    }

    private void submitAll(List<Parked> list) throws IOException {
        for (int i = 0; i < list.size(); i++) {
            try {
                pipeline.submit(list.get(i).offsetBytes(), list.get(i).buffer(), skipZeros);
            } catch (IOException e) {
                // the pipeline took the failing buffer; the rest are still ours to give back
                for (Parked rest : list.subList(i + 1, list.size())) {
                    rest.buffer().pool().release(rest.buffer());
                }
                throw e;
            }
        }
    }

    /**
     * Objects handed to the pipeline completely (every object before the head), and the pipeline
     * mark after their last buffer: once {@code WritePipeline.completedThrough(mark)} and a flush,
     * they are durable.
     */
    synchronized long[] committed() {
        return new long[] {head, headMark};
    }

    /** Stops the layer: later buffers are refused and parked ones go back to their pools. */
    synchronized void fail() {
        failed = true;
        for (int i = 0; i < parked.size(); i++) {
            List<Parked> list = parked.set(i, null);
            if (list != null) {
                list.forEach(p -> p.buffer().pool().release(p.buffer()));
            }
        }
    }
}
