package dev.restoreagent.agent.restore;

import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.io.pipeline.LayerWriter;
import dev.restoreagent.io.pipeline.WritePipeline;
import dev.restoreagent.io.targets.BlockTarget;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Decides when a restore has reached a new durable checkpoint and reports it. A checkpoint after
 * a layer is reported by {@link #reached}; inside a layer, {@link #poll()} (called about once a
 * second) reports the objects written completely from the layer's start, once every write up to
 * them has completed and the target is flushed. Checkpoints only move forward. Thread-safe.
 */
final class Checkpointer {
    private final BlockTarget target;
    private final WritePipeline writes;
    private final Consumer<Checkpoint> onCheckpoint;
    private Checkpoint last;
    /** The layer being restored, where in it the restore began, and its writer. */
    private volatile int layer;
    private volatile int firstObject;
    private volatile int layerObjects;
    private volatile LayerWriter writer;

    Checkpointer(BlockTarget target, WritePipeline writes, Checkpoint resumeFrom, Consumer<Checkpoint> onCheckpoint) {
        this.target = target;
        this.writes = writes;
        this.onCheckpoint = onCheckpoint;
        this.last = resumeFrom;
    }

    /** A layer of {@code objects} objects, from {@code first} on, is now written through {@code layerWriter}. */
    void layerStarted(int layerIndex, int first, int objects, LayerWriter layerWriter) {
        writer = null;
        layer = layerIndex;
        firstObject = first;
        layerObjects = objects;
        writer = layerWriter;
    }

    /** Checks for objects written completely since the last checkpoint; flushes before it reports. */
    void poll() throws IOException {
        LayerWriter current = writer;
        if (current == null) {
            return;
        }
        LayerWriter.Committed committed = current.committed();
        Checkpoint candidate = new Checkpoint(layer, firstObject + committed.objects());
        // a whole layer's checkpoint is the restore's own, after its own flush: not a second sync of the same
        if (candidate.objects() < layerObjects && current == writer && isAfter(candidate)
                && writes.completedThrough(committed.mark())) {
            target.flush();
            reached(candidate);
        }
    }

    /** Reports {@code checkpoint} if it is past the last one; the data before it must be durable. */
    synchronized void reached(Checkpoint checkpoint) {
        if (isAfter(checkpoint)) {
            last = checkpoint;
            onCheckpoint.accept(checkpoint);
        }
    }

    private synchronized boolean isAfter(Checkpoint candidate) {
        return candidate.layer() > last.layer()
                || candidate.layer() == last.layer() && candidate.objects() > last.objects();
    }
}
