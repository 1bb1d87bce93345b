package dev.restoreagent.agent.restore;

import dev.restoreagent.agent.decode.DecodeWorker;
import dev.restoreagent.agent.source.Layer;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.memory.BudgetExhaustedException;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.pipeline.WritePipeline;
import dev.restoreagent.io.targets.BlockTarget;
import dev.restoreagent.io.targets.TargetException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One restore of a source onto a target, run once by {@link #run()}.
 *
 * <ol>
 *   <li>Refuses a target smaller than the data's extent, before anything else.
 *   <li>Takes its whole working set from the budget (waiting in FIFO order), before the first
 *       byte is read, and gives it back in {@code finally}.
 *   <li>Marks the target incomplete, then restores the layers oldest first, each one drained
 *       before the next, since a later layer overwrites an earlier one.
 *   <li>Flushes, and only then removes the mark.
 * </ol>
 *
 * On any failure it stops reading, waits for every write in flight, frees its buffers, and leaves
 * the mark. {@link #cancel()} and {@link #progress()} may be called from any thread.
 */
public final class Restore {
    /** Where a restore is in its life. */
    public enum State { NEW, QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED }

    /** A restore waits this long for its memory at most: in practice, until it is cancelled. */
    static final Duration BUDGET_WAIT = Duration.ofDays(365);

    private final RestoreSource source;
    private final BlockTarget target;
    private final MemoryBudget budget;
    private final RestoreSettings settings;
    private final String holder;
    private final WorkingSet workingSet;
    private volatile State state = State.NEW;
    private volatile boolean cancelled;
    private volatile Thread runner;
    private volatile WritePipeline pipeline;
    private volatile long runningSince;
    private volatile long admissionNumber;
    private final Checkpoint resumeFrom;
    private final Consumer<Checkpoint> onCheckpoint;
    /** The layer being restored and its committer, for the checkpointing watchdog. */
    private volatile int currentLayer;
    private volatile int currentFirstObject;
    private volatile LayerCommitter currentCommitter;
    private Checkpoint lastCheckpoint;
    /** Decode threads working on the current layer: interrupted on failure and cancel. */
    private final Set<Thread> decoding = ConcurrentHashMap.newKeySet();

    /**
     * @param holder names this restore in the budget and in thread names
     * @throws IllegalArgumentException if the budget cannot hold even the smallest working set
     */
    public Restore(RestoreSource source, BlockTarget target, MemoryBudget budget, RestoreSettings settings,
                   String holder) {
        this(source, target, budget, settings, holder, Checkpoint.START, checkpoint -> { });
    }

    /**
     * A restore that starts at {@code resumeFrom} and reports each durable checkpoint (on its own
     * watchdog thread, about once a second while objects complete, and after each layer).
     */
    public Restore(RestoreSource source, BlockTarget target, MemoryBudget budget, RestoreSettings settings,
                   String holder, Checkpoint resumeFrom, Consumer<Checkpoint> onCheckpoint) {
        this.resumeFrom = resumeFrom;
        this.onCheckpoint = onCheckpoint;
        this.lastCheckpoint = resumeFrom;
        this.source = source;
        this.target = target;
        this.budget = budget;
        this.settings = settings;
        this.holder = holder;
        this.workingSet = WorkingSet.plan(settings, source.codecs(), Math.max(1, source.widestLayer()),
                budget.totalBytes(), Runtime.getRuntime().availableProcessors());
    }

    /**
     * The restore's place in the order the budget granted memory (1, 2, ...), or 0 before it got
     * its memory.
     */
    public long admissionNumber() {
        return admissionNumber;
    }

    /** The name this restore holds its memory under in the budget. */
    public String holder() {
        return holder;
    }

    public WorkingSet workingSet() {
        return workingSet;
    }

    public State state() {
        return state;
    }

    /** Progress now; safe from any thread. */
    public Progress progress() {
        WritePipeline p = pipeline;
        long since = runningSince;
        long running = since == 0 ? 0 : System.nanoTime() - since;
        return p == null ? new Progress(state, source.totalBytes(), 0, 0, 0, running, 0)
                : new Progress(state, source.totalBytes(), p.bytesWritten(), p.bytesZeroed(), p.bytesSkipped(), running,
                        p.inFlight());
    }

    /**
     * Asks the restore to stop: it stops reading, drains the writes in flight, and {@link #run()}
     * throws a {@link RestoreFailure.Kind#CANCELLED} failure. Returns at once.
     */
    public void cancel() {
        cancelled = true;
        decoding.forEach(Thread::interrupt);
        Thread t = runner;
        if (t != null && state == State.QUEUED) {
            t.interrupt();
        }
    }

    /** Runs the restore on the calling thread; call once. */
    public RestoreResult run() throws RestoreFailure {
        if (state != State.NEW) {
            throw new IllegalStateException("a Restore runs once");
        }
        runner = Thread.currentThread();
        try {
            RestoreResult result = runChecked();
            state = State.SUCCEEDED;
            return result;
        } catch (RestoreFailure e) {
            state = cancelled ? State.CANCELLED : State.FAILED;
            throw cancelled && e.kind() != RestoreFailure.Kind.CANCELLED
                    ? new RestoreFailure(RestoreFailure.Kind.CANCELLED, "restore cancelled", e) : e;
        } catch (RuntimeException | Error e) {
            state = State.FAILED;
            throw new RestoreFailure(RestoreFailure.Kind.INTERNAL, "internal error: " + e, e);
        } finally {
            runner = null;
        }
    }

    private RestoreResult runChecked() throws RestoreFailure {
        long extent = source.extentBytes();
        if (extent > target.capacityBytes()) {
            throw new RestoreFailure(RestoreFailure.Kind.TARGET, "target " + target.name() + " holds "
                    + target.capacityBytes() + " bytes, but the data of " + source.description()
                    + " extends to " + extent + " bytes");
        }
        state = State.QUEUED;
        long queuedAt = System.nanoTime();
        BudgetLease lease;
        try {
            lease = budget.acquire(workingSet.totalBytes(), holder, BUDGET_WAIT);
        } catch (InterruptedException e) {
            throw new RestoreFailure(RestoreFailure.Kind.CANCELLED, "restore cancelled while waiting for memory");
        } catch (BudgetExhaustedException e) {
            throw new RestoreFailure(RestoreFailure.Kind.CANCELLED, "restore stopped waiting for memory: "
                    + e.getMessage(), e);
        }
        long queued = System.nanoTime() - queuedAt;
        admissionNumber = lease.grantNumber();
        state = State.RUNNING;
        runningSince = System.nanoTime();
        long end = restoreWith(lease);
        long running = System.nanoTime() - runningSince;
        WritePipeline p = pipeline;
        return new RestoreResult(p.bytesWritten(), p.bytesZeroed(), p.bytesSkipped(), end, queued, running,
                workingSet);
    }

    /**
     * Restores every layer with the memory of {@code lease}, which this method gives back: at its
     * end, or, if the target stalled with writes in flight, when those writes complete (their
     * buffers, and so the memory, are the device's until then). Returns where the data ended.
     */
    private long restoreWith(BudgetLease lease) throws RestoreFailure {
        List<DirectBufferPool> pools = new ArrayList<>();
        List<DecodeWorker> workers = new ArrayList<>();
        DirectBufferPool inputs = new DirectBufferPool(holder + "/input", workingSet.inputBufferBytes(),
                workingSet.decoders());
        ExecutorService threads = Executors.newFixedThreadPool(workingSet.decoders(),
                DaemonThreads.named("decode " + holder));
        WritePipeline writes = new WritePipeline(target);
        pipeline = writes;
        Thread watchdog = watchdog(writes);
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
                currentFirstObject = first;
                currentLayer = i;
                end = Math.max(end, restoreLayer(layers.get(i), first, workers, threads, writes));
                writes.drain();
                target.flush();
                checkpoint(new Checkpoint(i + 1, 0));
            }
            long extent = source.extentBytes() >= 0 ? source.extentBytes() : end;
            target.extendTo(extent);
            writes.flush();
            target.clearIncomplete();
            return extent;
        } catch (IOException e) {
            throw targetFailure(e);
        } catch (InterruptedException e) {
            throw new RestoreFailure(RestoreFailure.Kind.CANCELLED, "restore cancelled");
        } finally {
            watchdog.interrupt();
            threads.shutdownNow();
            awaitTermination(threads);
            Runnable release = () -> {
                workers.forEach(DecodeWorker::close);
                pools.forEach(DirectBufferPool::close);
                inputs.close();
                lease.close();
            };
            if (drainedQuietly(writes)) {
                release.run();
            } else {
                // a stalled device may still read the buffers in flight: free them only if it finishes
                writes.whenIdle(release);
            }
        }
    }

    /**
     * Every second: checks the pipeline for a stalled target (and then stops the decode threads),
     * and records a checkpoint when more objects are written completely.
     */
    private Thread watchdog(WritePipeline writes) {
        Thread watchdog = DaemonThreads.named("watchdog " + holder).newThread(() -> {
            try {
                while (true) {
                    Thread.sleep(1000);
                    try {
                        writes.checkStall();
                        checkpointIfDurable(writes);
                    } catch (TargetException e) {
                        decoding.forEach(Thread::interrupt);
                        return;
                    } catch (IOException e) {
                        // a failed flush fails a write too, and the restore reports that
                    }
                }
            } catch (InterruptedException e) {
                // the restore ended
            }
        });
        watchdog.start();
        return watchdog;
    }

    private void checkpointIfDurable(WritePipeline writes) throws IOException {
        LayerCommitter committer = currentCommitter;
        if (committer == null) {
            return;
        }
        int layer = currentLayer;
        long[] committed = committer.committed();
        Checkpoint candidate = new Checkpoint(layer, currentFirstObject + (int) committed[0]);
        if (committer == currentCommitter && isAfter(candidate) && writes.completedThrough(committed[1])) {
            target.flush();
            checkpoint(candidate);
        }
    }

    private synchronized boolean isAfter(Checkpoint candidate) {
        return candidate.layer() > lastCheckpoint.layer()
                || candidate.layer() == lastCheckpoint.layer() && candidate.objects() > lastCheckpoint.objects();
    }

    private synchronized void checkpoint(Checkpoint reached) {
        if (isAfter(reached)) {
            lastCheckpoint = reached;
            onCheckpoint.accept(reached);
        }
    }

    private static void awaitTermination(ExecutorService threads) {
        try {
            threads.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
    private long restoreLayer(Layer layer, int firstObject, List<DecodeWorker> workers, ExecutorService threads,
                              WritePipeline writes) throws RestoreFailure, IOException, InterruptedException {
        List<SourceObject> objects = layer.objects().subList(firstObject, layer.objects().size());
        if (objects.isEmpty()) {
            return 0;
        }
        checkNotCancelled();
        LayerCommitter committer = new LayerCommitter(writes, objects.size(),
                layer.base() && target.readsAsZeros());
        currentCommitter = committer;
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        AtomicLong end = new AtomicLong();
        // counted down by every task, also one that starts after a failure and does nothing
        CountDownLatch ended = new CountDownLatch(workers.size());
        for (DecodeWorker worker : workers) {
            threads.execute(() -> {
                decoding.add(Thread.currentThread());
                try {
                    int index;
                    while (firstFailure.get() == null && !cancelled && (index = next.getAndIncrement()) < objects.size()) {
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
                    ended.countDown();
                }
            });
        }
        ended.await();
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
        throw new RestoreFailure(RestoreFailure.Kind.INTERNAL, "internal error: " + failure, failure);
    }

    private void checkNotCancelled() throws RestoreFailure {
        if (cancelled) {
            throw new RestoreFailure(RestoreFailure.Kind.CANCELLED, "restore cancelled");
        }
    }
}
