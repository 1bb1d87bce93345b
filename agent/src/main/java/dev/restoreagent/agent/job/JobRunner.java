package dev.restoreagent.agent.job;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreResult;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.restore.WorkingSet;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.targets.OpenedTarget;
import dev.restoreagent.agent.targets.TargetOpener;
import dev.restoreagent.agent.verify.TargetVerifier;
import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.memory.PendingLease;
import dev.restoreagent.io.targets.BlockTarget;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs restore jobs: the one path of the daemon and of the one-shot CLI. A job's life, on the
 * calling thread: find and validate its source, open its target, check the target is large
 * enough, wait in the budget's queue for its working set, run the restore, close the target.
 *
 * <p>Whatever fails anywhere in that life ends the job FAILED with one sentence and a
 * {@link FailureKind} (unexpected exceptions and errors too, their details at debug level),
 * and a cancel at any point ends it CANCELLED (see {@link RestoreJob#cancel()}). Thread-safe: each
 * job runs on a thread of its own.
 */
public final class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    /** Runs the expiry of jobs whose source does not answer: rare, short tasks. */
    private static final Executor DEADLINES = Executors.newSingleThreadExecutor(DaemonThreads.named("job deadlines"));

    /** Under the state directory: what restores keep on disk rather than in memory while they run. */
    static final String TEMP_DIR = "tmp";
    /** The most bytes of a target's excess one zero object covers: several decode threads zero it at once. */
    private static final long EXCESS_PIECE_BYTES = 32L << 20;

    /** Finds a request's source and validates it; reads metadata, not data. */
    @FunctionalInterface
    public interface Sources {
        RestoreSource resolve(RestoreRequest request) throws RestoreFailure;
    }

    private final MemoryBudget budget;
    private final RestoreSettings settings;
    private final Sources sources;
    private final TargetOpener targets;
    private final Stores stores;
    private final Path stateDir;
    private final JobListener listener;

    /** @param stores the object stores requests may name */
    public JobRunner(MemoryBudget budget, RestoreSettings settings, TargetOpener targets, Stores stores,
                     Path stateDir, JobListener listener) {
        this(budget, settings, request -> RestoreRequests.resolveSource(request, stores, stateDir.resolve(TEMP_DIR)),
                targets, stores, stateDir, listener);
    }

    JobRunner(MemoryBudget budget, RestoreSettings settings, Sources sources, TargetOpener targets, Stores stores,
              Path stateDir, JobListener listener) {
        this.stores = stores;
        this.budget = budget;
        this.settings = settings;
        this.sources = sources;
        this.targets = targets;
        this.stateDir = stateDir;
        this.listener = listener;
    }

    /**
     * Takes the job's place at the end of the budget's queue, before anything about it is known:
     * call in the order jobs are submitted, and that is the order they get memory in.
     */
    public void enqueue(RestoreJob job) {
        job.placed(budget.enqueue(job.id()));
    }

    /** Runs {@code job} (enqueued first) to its end on the calling thread. Never throws. */
    public void run(RestoreJob job) {
        Opened opened = new Opened();
        try {
            restore(job, opened);
        } catch (RestoreFailure e) {
            job.failed(e, markNote(opened.target));
        } catch (IllegalArgumentException e) {
            job.failed(new RestoreFailure(FailureKind.USAGE, e.getMessage(), e), markNote(opened.target));
        } catch (RuntimeException | Error e) {
            LOG.log(Level.FINE, "job " + job.id() + " failed unexpectedly", e);
            job.failed(RestoreFailure.internal(e), markNote(opened.target));
        } finally {
            PendingLease place = job.place();
            if (place != null) {
                place.cancel();
            }
            // a cancel may have interrupted us; closing must not be cut short by it
            Thread.interrupted();
            closeQuietly(job, opened.target);
            closeQuietly(job, opened.source);
            job.settle();
            listener.ended(job);
        }
    }

    /** The job's source and target while they are open: closed by whoever takes them out. */
    private static final class Opened {
        RestoreSource source;
        OpenedTarget target;
    }

    private void restore(RestoreJob job, Opened opened) throws RestoreFailure {
        if (!job.begin(Thread.currentThread())) {
            throw cancelled("cancelled before it started");
        }
        RestoreSource source = resolveInTime(job);
        opened.source = source;
        job.sourceResolved(source.description());
        job.verifiedBy(source.verification());
        listener.sourceResolved(job, source);
        checkNotCancelled(job);
        opened.target = targets.open(RestoreRequests.target(job.request(), stateDir, job.isResumed()),
                source.extentBytes(), source.declaredBytes());
        listener.targetOpened(job, opened.target.settings());
        BlockTarget target = opened.target.target();
        checkCapacity(source, target);
        if (!target.readsAsZeros() && target.capacityBytes() != Long.MAX_VALUE) {
            // a volume larger than the backup gets zeros past it, not what it held (Ceph-driver sources only)
            source = source.withExcessZeroed(target.capacityBytes(), EXCESS_PIECE_BYTES);
        }
        RestoreSettings restoreSettings = settings.withTargetZeroed(job.request().isTargetZeroed());
        WorkingSet workingSet = WorkingSet.plan(restoreSettings, source.codecs(), Math.max(1, source.widestLayer()),
                budget.totalBytes(), Runtime.getRuntime().availableProcessors(), source.readerBytes(),
                source.readCopyBytes());
        BudgetLease lease = awaitMemory(job, workingSet.totalBytes());
        Restore restore;
        try {
            restore = new Restore(source, target, lease, workingSet, restoreSettings, job.id(),
                    job.isResumed() ? job.resumedFrom() : Checkpoint.START,
                    reached -> listener.checkpointed(job, reached));
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        if (!job.admitted(restore, lease.grantNumber())) {
            lease.close();
            throw cancelled("cancelled before it started");
        }
        listener.started(job);
        RestoreResult result = restore.run();
        OpenedTarget closing = opened.target;
        opened.target = null;
        close(closing);
        if (job.request().isVerifyAfter()) {
            TargetVerifier.Verified read = ReadBack.run(job, source.extentBytes(), budget, settings.bufferBytes(),
                    targets, stores, stateDir.resolve(TEMP_DIR));
            job.verifiedBy(source.verification() + ", then read back: " + read.blocks() + " blocks match");
        }
        job.succeeded(result);
    }

    /**
     * Finds and validates the source; if that takes longer than the source read timeout (a hung
     * NFS server, an object store that stopped answering), the job ends FAILED at the deadline,
     * while this thread, stuck in a read the kernel may not give up, returns when it does.
     */
    private RestoreSource resolveInTime(RestoreJob job) throws RestoreFailure {
        Duration limit = settings.sourceReadTimeout();
        CompletableFuture<Void> deadline = CompletableFuture.runAsync(() -> job.expire(RestoreFailure.badInput(
                "finding and reading the source's metadata took more than " + limit.toSeconds()
                        + " s: the source stopped answering")),
                CompletableFuture.delayedExecutor(limit.toNanos(), TimeUnit.NANOSECONDS, DEADLINES));
        try {
            return sources.resolve(job.request());
        } finally {
            deadline.cancel(false);
        }
    }

    private static void checkCapacity(RestoreSource source, BlockTarget target) throws RestoreFailure {
        // what a stream declares is a lower bound: a target smaller than that is refused before any write
        long extent = Math.max(source.extentBytes(), source.declaredBytes());
        if (extent > target.capacityBytes()) {
            throw new RestoreFailure(FailureKind.TARGET, "target " + target.name() + " holds "
                    + target.capacityBytes() + " bytes, but the data of " + source.description()
                    + " extends to " + extent + " bytes");
        }
    }

    /** Sizes the job's place in the queue and waits, without polling, until it is granted. */
    private static BudgetLease awaitMemory(RestoreJob job, long bytes) throws RestoreFailure {
        PendingLease place = job.place();
        checkNotCancelled(job);
        place.request(bytes);
        try {
            return place.granted().get();
        } catch (CancellationException e) {
            throw cancelled("cancelled while waiting for memory");
        } catch (InterruptedException e) {
            place.cancel();
            throw cancelled("cancelled while waiting for memory");
        } catch (ExecutionException e) {
            // the budget closed: the agent is stopping
            throw cancelled("the agent stopped while the restore waited for memory");
        }
    }

    private static void checkNotCancelled(RestoreJob job) throws RestoreFailure {
        if (job.cancelRequested()) {
            throw cancelled("cancelled before it started");
        }
    }

    private static RestoreFailure cancelled(String message) {
        return new RestoreFailure(FailureKind.CANCELLED, message);
    }

    private static void close(OpenedTarget opened) throws RestoreFailure {
        try {
            opened.close();
        } catch (IOException e) {
            throw RestoreFailure.target("closing target " + opened.target().name() + " failed: " + e.getMessage(), e);
        }
    }

    private static String markNote(OpenedTarget opened) {
        BlockTarget target = opened == null ? null : opened.target();
        if (target == null) {
            return null;
        }
        try {
            return target.incompleteMark().isPresent()
                    ? "target " + target.name() + " is incomplete and marked so (" + target.markLocation() + ")"
                    : null;
        } catch (IOException e) {
            return "target " + target.name() + " is incomplete; its mark cannot be read: " + e.getMessage();
        }
    }

    private static void closeQuietly(RestoreJob job, RestoreSource source) {
        if (source != null) {
            try {
                source.close();
            } catch (Exception e) {
                LOG.warning("job " + job.id() + ": closing its source failed: " + e.getMessage());
            }
        }
    }

    private static void closeQuietly(RestoreJob job, OpenedTarget opened) {
        if (opened != null) {
            try {
                opened.close();
            } catch (IOException e) {
                LOG.warning("job " + job.id() + ": closing target " + opened.target().name() + " failed: "
                        + e.getMessage());
            }
        }
    }
}
