package dev.restoreagent.agent.restore;

import dev.restoreagent.agent.decode.DecodeWorkers;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Layer;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.pipeline.LayerStoppedException;
import dev.restoreagent.io.pipeline.LayerWriter;
import dev.restoreagent.io.pipeline.WritePipeline;
import dev.restoreagent.io.targets.BlockTarget;
import dev.restoreagent.io.targets.TargetException;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One restore of a source onto a target, with memory the budget has granted already, run once by
 * {@link #run()}: it runs the layers.
 *
 * <ol>
 *   <li>Marks the target incomplete, then restores the layers oldest first, each one drained
 *       before the next, since a later layer overwrites an earlier one: the {@link DecodeWorkers}
 *       decode a layer's objects into the layer's {@link LayerWriter}.
 *   <li>Flushes, and only then removes the mark.
 * </ol>
 *
 * On any failure it stops reading, waits for every write in flight, frees its buffers, and leaves
 * the mark. A source read that returns nothing for {@link RestoreSettings#sourceReadTimeout()}
 * fails the restore at once; the buffers that read may still fill, and their memory, are freed
 * only when it returns. Admission, the target's size check and the job's bookkeeping are the caller's
 * ({@code JobRunner}); stall watching and checkpoints are the {@link Watchdog}'s and the
 * {@link Checkpointer}'s. {@link #cancel()} and {@link #progress()} may be called from any thread.
 */
public final class Restore {
    /** How long a cancelled restore waits for its writes in flight before it stops waiting on them. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(2);

    private final RestoreSource source;
    private final BlockTarget target;
    private final BudgetLease lease;
    private final WorkingSet workingSet;
    private final RestoreSettings settings;
    private final String holder;
    private final Checkpoint resumeFrom;
    private final Consumer<Checkpoint> onCheckpoint;
    private final AtomicBoolean ran = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile WritePipeline pipeline;
    private volatile DecodeWorkers decoders;
    private volatile long runningSince;
    /** The source's holes this target leaves unwritten, unread: outside the progress's bytes. */
    private final long skippedHoleBytes;
    /** Completed, with the failure, when a source read does not return in time: the restore ends at once. */
    private final CompletableFuture<RestoreFailure> readStalled = new CompletableFuture<>();

    /**
     * A restore that starts at {@code resumeFrom} and reports each durable checkpoint (on the
     * watchdog's ticks, about once a second while objects complete, and after each layer).
     *
     * @param lease the memory of {@code workingSet}; ownership transfers to this restore, which
     *     gives it back when its buffers are no longer the target's (see {@link #run()})
     * @param holder names this restore in thread and buffer pool names
     */
    public Restore(RestoreSource source, BlockTarget target, BudgetLease lease, WorkingSet workingSet,
                   RestoreSettings settings, String holder, Checkpoint resumeFrom, Consumer<Checkpoint> onCheckpoint) {
        if (lease.bytes() < workingSet.totalBytes()) {
            throw new IllegalArgumentException("a lease of " + lease.bytes() + " bytes cannot hold a working set of "
                    + workingSet.totalBytes());
        }
        this.source = source;
        this.target = target;
        this.lease = lease;
        this.workingSet = workingSet;
        this.settings = settings;
        this.holder = holder;
        this.resumeFrom = resumeFrom;
        this.onCheckpoint = onCheckpoint;
        this.skippedHoleBytes = holesSkipped(source, target);
    }

    /** The bytes of the source's known zeros that {@link #restoreLayer} skips whole on {@code target}. */
    private static long holesSkipped(RestoreSource source, BlockTarget target) {
        if (!target.readsAsZeros()) {
            return 0;
        }
        return source.layers().stream().filter(Layer::base).flatMap(layer -> layer.objects().stream())
                .filter(object -> object.opener().zeros()).mapToLong(SourceObject::lengthBytes).sum();
    }

    public WorkingSet workingSet() {
        return workingSet;
    }

    /** Progress now; safe from any thread. */
    public Progress progress() {
        WritePipeline p = pipeline;
        long since = runningSince;
        long running = since == 0 ? 0 : System.nanoTime() - since;
        long total = source.totalBytes() < 0 ? -1 : source.totalBytes() - skippedHoleBytes;
        return p == null ? new Progress(total, 0, 0, 0, 0, running, 0)
                : new Progress(total, p.bytesWritten(), p.bytesZeroed(), p.bytesSkipped(), p.bytesSkippedUnread(),
                        running, p.inFlight());
    }

    /**
     * Asks the restore to stop: it stops reading, drains the writes in flight, and {@link #run()}
     * throws a {@link FailureKind#CANCELLED} failure. Returns at once.
     */
    public void cancel() {
        cancelled = true;
        DecodeWorkers decoding = decoders;
        if (decoding != null) {
            decoding.interrupt();
        }
        WritePipeline writes = pipeline;
        if (writes != null) {
            // a healthy target drains in this grace; a dead one must not hold a cancel (or SIGTERM) for its timeout
            writes.stopWaiting(CANCEL_GRACE);
        }
    }

    /**
     * Runs the restore on the calling thread; call once. The lease is given back when this
     * returns, or, if the target stalled with writes in flight or a decode thread is stuck in a read,
     * when those end.
     */
    public RestoreResult run() throws RestoreFailure {
        if (!ran.compareAndSet(false, true)) {
            throw new IllegalStateException("a Restore runs once");
        }
        try {
            runningSince = System.nanoTime();
            long end = restoreLayers();
            long running = System.nanoTime() - runningSince;
            WritePipeline p = pipeline;
            return new RestoreResult(p.bytesWritten(), p.bytesZeroed(), p.bytesSkipped(), end, running, workingSet);
        } catch (RestoreFailure e) {
            throw cancelled && e.kind() != FailureKind.CANCELLED
                    ? new RestoreFailure(FailureKind.CANCELLED, "restore cancelled", e) : e;
        } catch (RuntimeException | Error e) {
            throw RestoreFailure.internal(e);
        }
    }

    /**
     * Restores every layer with the memory of the lease, which this method gives back: once the last
     * layer's writes have completed, before the syncs and the checkpoint that end the restore, or, if it
     * fails first, at its end; if the target stalled with writes in flight or a decode thread is stuck,
     * when those end (their buffers, and so the memory, are the device's or the read's until then).
     * Returns where the data ended.
     */
    private long restoreLayers() throws RestoreFailure {
        WritePipeline writes = new WritePipeline(target);
        pipeline = writes;
        Checkpointer checkpoints = new Checkpointer(target, writes, resumeFrom, onCheckpoint);
        DecodeWorkers decoding = null;
        Watchdog watchdog = null;
        boolean memoryGiven = false;
        try {
            checkNotCancelled();
            decoding = new DecodeWorkers(holder, workingSet.decoders(), workingSet.buffersPerDecoder(),
                    workingSet.bufferBytes(), workingSet.inputBufferBytes(), settings.zstdWindowLogMax());
            decoders = decoding;
            watchdog = new Watchdog(writes, checkpoints, decoding::interrupt, this::checkReads);
            target.markIncomplete(source.markTag());
            long end = 0;
            List<Layer> layers = source.layers();
            for (int i = resumeFrom.layer(); i < layers.size(); i++) {
                int first = i == resumeFrom.layer() ? Math.min(resumeFrom.objects(), layers.get(i).objects().size()) : 0;
                end = Math.max(end, restoreLayer(i, layers.get(i), first, decoding, writes, checkpoints));
                writes.drain();
                if (i == layers.size() - 1) {
                    // every byte is the target's: the next job in the budget's queue need not wait for the
                    // syncs below (a file's fdatasync took 0.35 s, median, with 41 restores running)
                    memoryGiven = true;
                    giveMemoryBack(decoding, writes);
                }
                target.flush();
                checkpoints.reached(new Checkpoint(i + 1, 0));
            }
            // a declared extent can fall short of the data (a stream of several zstd frames declares its first)
            long extent = Math.max(source.extentBytes(), end);
            target.extendTo(extent);
            writes.flush();
            source.confirmation().confirm();
            target.clearIncomplete();
            return extent;
        } catch (IOException e) {
            throw targetFailure(e);
        } catch (InterruptedException e) {
            throw new RestoreFailure(FailureKind.CANCELLED, "restore cancelled");
        } finally {
            if (watchdog != null) {
                watchdog.close();
            }
            if (!memoryGiven) {
                giveMemoryBack(decoding, writes);
            }
        }
    }

    /**
     * Stops the decode threads, frees their buffers and closes the lease, once those threads have ended
     * and the writes in flight completed: at once when they have, else whenever they do.
     */
    private void giveMemoryBack(DecodeWorkers decoding, WritePipeline writes) {
        CompletableFuture<Void> decodersEnded = decoding == null ? CompletableFuture.completedFuture(null)
                : decoding.stop(CANCEL_GRACE);
        CompletableFuture<Void> writesIdle = new CompletableFuture<>();
        if (drainedQuietly(writes)) {
            writesIdle.complete(null);
        } else {
            // a stalled device may still read the buffers in flight: free them only if it finishes
            writes.whenIdle(() -> writesIdle.complete(null));
        }
        // a decode thread stuck in a read may still fill its buffers: the same rule
        CompletableFuture.allOf(decodersEnded, writesIdle).thenRun(() -> {
            try {
                if (decoding != null) {
                    decoding.close();
                }
            } finally {
                lease.close();
            }
        });
    }

    /** The watchdog's look at the source: fails the restore when a read has not returned in time. */
    private void checkReads() {
        DecodeWorkers decoding = decoders;
        String stall = decoding == null ? null
                : decoding.stalledRead(System.nanoTime(), settings.sourceReadTimeout().toNanos());
        if (stall != null && readStalled.complete(RestoreFailure.badInput(stall))) {
            decoding.interrupt();
        }
    }

    private RestoreFailure targetFailure(IOException e) {
        String message = e instanceof TargetException ? e.getMessage()
                : "writing to target " + target.name() + " failed: " + e.getMessage();
        return RestoreFailure.target(message, e);
    }

    /** Waits for the writes in flight; false if the target stalled with writes still in flight. */
    private static boolean drainedQuietly(WritePipeline writes) {
        try {
            writes.drain();
        } catch (IOException e) {
            // the failure, if any, was reported already
        }
        return writes.inFlight() == 0;
    }

    /** Decodes a layer's objects from {@code firstObject} into a writer of its own; returns where its data ended. */
    private long restoreLayer(int layerIndex, Layer layer, int firstObject, DecodeWorkers decoding,
                              WritePipeline writes, Checkpointer checkpoints)
            throws RestoreFailure, IOException {
        List<SourceObject> objects = layer.objects().subList(firstObject, layer.objects().size());
        if (objects.isEmpty()) {
            return 0;
        }
        checkNotCancelled();
        LayerWriter writer = writes.layer(objects.size(), layer.base() && target.readsAsZeros());
        checkpoints.layerStarted(layerIndex, firstObject, layer.objects().size(), writer);
        CompletableFuture<Void> decoded = decoding.decodeLayer(objects, writer,
                () -> cancelled || readStalled.isDone());
        CompletableFuture.anyOf(decoded, readStalled).handle((done, failure) -> null).join();
        RestoreFailure stalled = readStalled.getNow(null);
        if (stalled != null) {
            // a read that returns after this must not write anything
            writer.fail();
            throw stalled;
        }
        Throwable failure = failureOf(decoded);
        if (failure == null) {
            checkNotCancelled();
            return writer.endBytes();
        }
        writer.fail();
        throw reported(failure, writes.failure());
    }

    /** How a decode thread's failure is reported: a write failure as itself, not as the stop it caused. */
    private static RestoreFailure reported(Throwable failure, Optional<IOException> writeFailure)
            throws RestoreFailure, IOException {
        boolean dataFailure = failure instanceof RestoreFailure rf && rf.kind() != FailureKind.CANCELLED;
        if (!dataFailure && writeFailure.isPresent()) {
            // decode threads stopped by a failed or stalled write report only their interruption
            throw writeFailure.get();
        }
        if (failure instanceof RestoreFailure rf) {
            return rf;
        }
        if (failure instanceof LayerStoppedException || failure instanceof InterruptedException) {
            return new RestoreFailure(FailureKind.CANCELLED, "restore cancelled");
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        return RestoreFailure.internal(failure);
    }

    /** The failure {@code done} completed with, or null; {@code done} is done. */
    private static Throwable failureOf(CompletableFuture<Void> done) {
        try {
            done.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    private void checkNotCancelled() throws RestoreFailure {
        if (cancelled) {
            throw new RestoreFailure(FailureKind.CANCELLED, "restore cancelled");
        }
    }
}
