package dev.restoreagent.agent.restore;

import dev.restoreagent.agent.decode.DecodeWorker;
import dev.restoreagent.agent.source.Layer;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.pipeline.WritePipeline;
import dev.restoreagent.io.targets.BlockTarget;
import dev.restoreagent.io.targets.TargetException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One restore of a source onto a target, with memory the budget has granted already, run once by
 * {@link #run()}.
 *
 * <ol>
 *   <li>Marks the target incomplete, then restores the layers oldest first, each one drained
 *       before the next, since a later layer overwrites an earlier one.
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
    private volatile long runningSince;
    /** Decode threads working on the current layer: interrupted on failure and cancel. */
    private final Set<Thread> decoding = ConcurrentHashMap.newKeySet();
    /** The workers, for the watchdog's look at their reads; set before the watchdog starts. */
    private final List<DecodeWorker> workers = new CopyOnWriteArrayList<>();
    /** Completed, with the failure, when a source read does not return in time: the restore ends at once. */
    private final CompletableFuture<RestoreFailure> readStalled = new CompletableFuture<>();

    /**
     * A restore that starts at {@code resumeFrom} and reports each durable checkpoint (on its
     * watchdog thread, about once a second while objects complete, and after each layer).
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
    }

    public WorkingSet workingSet() {
        return workingSet;
    }

    /** Progress now; safe from any thread. */
    public Progress progress() {
        WritePipeline p = pipeline;
        long since = runningSince;
        long running = since == 0 ? 0 : System.nanoTime() - since;
        return p == null ? new Progress(source.totalBytes(), 0, 0, 0, running, 0)
                : new Progress(source.totalBytes(), p.bytesWritten(), p.bytesZeroed(), p.bytesSkipped(), running,
                        p.inFlight());
    }

    /**
     * Asks the restore to stop: it stops reading, drains the writes in flight, and {@link #run()}
     * throws a {@link RestoreFailure.Kind#CANCELLED} failure. Returns at once.
     */
    public void cancel() {
        cancelled = true;
        decoding.forEach(Thread::interrupt);
        WritePipeline writes = pipeline;
        if (writes != null) {
            // a healthy target drains in this grace; a dead one must not hold a cancel (or SIGTERM) for its timeout
            writes.stopWaiting(CANCEL_GRACE);
        }
    }

    /**
     * Runs the restore on the calling thread; call once. The lease is given back when this
     * returns, or, if the target stalled with writes in flight, when those writes complete.
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
            throw cancelled && e.kind() != RestoreFailure.Kind.CANCELLED
                    ? new RestoreFailure(RestoreFailure.Kind.CANCELLED, "restore cancelled", e) : e;
        } catch (RuntimeException | Error e) {
            throw RestoreFailure.internal(e);
        }
    }

    /**
     * Restores every layer with the memory of the lease, which this method gives back: at its
     * end, or, if the target stalled with writes in flight, when those writes complete (their
     * buffers, and so the memory, are the device's until then). Returns where the data ended.
     */
    private long restoreLayers() throws RestoreFailure {
        List<DirectBufferPool> pools = new ArrayList<>();
        DirectBufferPool inputs = new DirectBufferPool(holder + "/input", workingSet.inputBufferBytes(),
                workingSet.decoders());
        ExecutorService threads = Executors.newFixedThreadPool(workingSet.decoders(),
                DaemonThreads.named("decode " + holder));
        WritePipeline writes = new WritePipeline(target);
        pipeline = writes;
        Checkpointer checkpoints = new Checkpointer(target, writes, resumeFrom, onCheckpoint);
        Watchdog watchdog = new Watchdog(holder, writes, checkpoints, () -> decoding.forEach(Thread::interrupt),
                this::checkReads);
        try {
            checkNotCancelled();
            for (int i = 0; i < workingSet.decoders(); i++) {
                DirectBufferPool pool = new DirectBufferPool(holder + "/out" + i, workingSet.bufferBytes(),
                        workingSet.buffersPerDecoder());
                pools.add(pool);
                workers.add(new DecodeWorker(inputs, pool, settings.zstdWindowLogMax()));
            }
            target.markIncomplete(source.markTag());
            long end = 0;
            List<Layer> layers = source.layers();
            for (int i = resumeFrom.layer(); i < layers.size(); i++) {
                int first = i == resumeFrom.layer() ? Math.min(resumeFrom.objects(), layers.get(i).objects().size()) : 0;
                end = Math.max(end, restoreLayer(i, layers.get(i), first, threads, writes, checkpoints));
                writes.drain();
                target.flush();
                checkpoints.reached(new Checkpoint(i + 1, 0));
            }
            // a declared extent can fall short of the data (a stream of several zstd frames declares its first)
            long extent = Math.max(source.extentBytes(), end);
            target.extendTo(extent);
            writes.flush();
            target.clearIncomplete();
            return extent;
        } catch (IOException e) {
            throw targetFailure(e);
        } catch (InterruptedException e) {
            throw new RestoreFailure(RestoreFailure.Kind.CANCELLED, "restore cancelled");
        } finally {
            watchdog.close();
            threads.shutdownNow();
            CompletableFuture<Void> decodersStopped = stopped(threads);
            CompletableFuture<Void> writesIdle = new CompletableFuture<>();
            if (drainedQuietly(writes)) {
                writesIdle.complete(null);
            } else {
                // a stalled device may still read the buffers in flight: free them only if it finishes
                writes.whenIdle(() -> writesIdle.complete(null));
            }
            // a decode thread stuck in a read may still fill its buffers: the same rule
            CompletableFuture.allOf(decodersStopped, writesIdle).thenRun(() -> {
                workers.forEach(DecodeWorker::close);
                pools.forEach(DirectBufferPool::close);
                inputs.close();
                lease.close();
            });
        }
    }

    /**
     * Completes when every decode thread has ended: at once if they end within the cancel grace,
     * otherwise when the last one does, whenever that is.
     */
    private static CompletableFuture<Void> stopped(ExecutorService threads) {
        if (awaitTermination(threads, CANCEL_GRACE)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        DaemonThreads.named("awaiting stuck decoders").newThread(() -> {
            while (!awaitTermination(threads, Duration.ofHours(1))) {
                // still stuck: keep its buffers
            }
            stopped.complete(null);
        }).start();
        return stopped;
    }

    private static boolean awaitTermination(ExecutorService threads, Duration timeout) {
        try {
            return threads.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return threads.isTerminated();
        }
    }

    /** The watchdog's look at the source: fails the restore when a read has not returned in time. */
    private void checkReads() {
        long now = System.nanoTime();
        long limit = settings.sourceReadTimeout().toNanos();
        for (DecodeWorker worker : workers) {
            String stall = worker.stalledRead(now, limit);
            if (stall != null && readStalled.complete(RestoreFailure.badInput(stall))) {
                decoding.forEach(Thread::interrupt);
            }
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

    /** Decodes a layer's objects on every worker; returns where its data ended. */
    private long restoreLayer(int layerIndex, Layer layer, int firstObject, ExecutorService threads,
                              WritePipeline writes, Checkpointer checkpoints)
            throws RestoreFailure, IOException, InterruptedException {
        List<SourceObject> objects = layer.objects().subList(firstObject, layer.objects().size());
        if (objects.isEmpty()) {
            return 0;
        }
        checkNotCancelled();
        LayerCommitter committer = new LayerCommitter(writes, objects.size(),
                layer.base() && target.readsAsZeros());
        checkpoints.layerStarted(layerIndex, firstObject, committer);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        AtomicLong end = new AtomicLong();
        // completed by the last task to end, also one that starts after a failure and does nothing
        AtomicInteger running = new AtomicInteger(workers.size());
        CompletableFuture<Void> ended = new CompletableFuture<>();
        for (DecodeWorker worker : workers) {
            threads.execute(() -> {
                decoding.add(Thread.currentThread());
                try {
                    int index;
                    while (firstFailure.get() == null && !cancelled && !readStalled.isDone()
                            && (index = next.getAndIncrement()) < objects.size()) {
                        int i = index;
                        SourceObject object = objects.get(i);
                        worker.decode(object, (offset, buffer) -> {
                            end.accumulateAndGet(offset + buffer.nio().remaining(), Math::max);
                            committer.accept(offset, buffer);
                        });
                        committer.finished(i);
                    }
                } catch (Exception e) {
                    if (firstFailure.compareAndSet(null, e)) {
                        committer.fail();
                        decoding.forEach(Thread::interrupt);
                    }
                } finally {
                    decoding.remove(Thread.currentThread());
                    // an interrupt meant for this layer must not reach the thread's next task
                    Thread.interrupted();
                    if (running.decrementAndGet() == 0) {
                        ended.complete(null);
                    }
                }
            });
        }
        CompletableFuture.anyOf(ended, readStalled).join();
        RestoreFailure stalled = readStalled.getNow(null);
        if (stalled != null) {
            // a read that returns after this must not write anything
            committer.fail();
            throw stalled;
        }
        Exception failure = firstFailure.get();
        if (failure == null) {
            checkNotCancelled();
            return end.get();
        }
        committer.fail();
        // decode threads stopped by a failed or stalled write report only their interruption
        boolean dataFailure = failure instanceof RestoreFailure rf && rf.kind() != RestoreFailure.Kind.CANCELLED;
        if (!dataFailure && writes.failure().isPresent()) {
            throw writes.failure().get();
        }
        if (failure instanceof RestoreFailure rf) {
            throw rf;
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof InterruptedException) {
            throw new RestoreFailure(RestoreFailure.Kind.CANCELLED, "restore cancelled");
        }
        throw RestoreFailure.internal(failure);
    }

    private void checkNotCancelled() throws RestoreFailure {
        if (cancelled) {
            throw new RestoreFailure(RestoreFailure.Kind.CANCELLED, "restore cancelled");
        }
    }
}
