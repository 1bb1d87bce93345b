package dev.restoreagent.agent.job;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.restore.Progress;
import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreResult;
import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.api.JobState;
import dev.restoreagent.api.JobView;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.memory.PendingLease;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One restore asked for, from submission to its end, in the daemon or in the one-shot CLI. Its
 * state moves QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED, or from QUEUED straight to an
 * end. QUEUED covers finding the source, opening the target and waiting for memory.
 *
 * <p>The first end wins: a cancel ends a job that has not started its restore at once, whatever
 * its runner is blocked in, and what the runner reports later is ignored. A job is
 * {@linkplain #isSettled() settled} once its runner has also let go of the target. Read from any
 * thread; changed by its {@link JobRunner} and by {@link #cancel()}.
 */
public final class RestoreJob {
    private final String id;
    private final RestoreRequest request;
    private final Instant createdAt;
    private final CountDownLatch settled = new CountDownLatch(1);
    private JobState state = JobState.QUEUED;
    private volatile String source;
    private volatile String verification;
    private volatile Instant startedAt;
    private volatile Instant admittedAt;
    private volatile long admissionNumber;
    private volatile Instant finishedAt;
    private volatile String error;
    private volatile FailureKind errorKind;
    private volatile String targetNote;
    private volatile Checkpoint checkpoint;
    private volatile Checkpoint resumedFrom;
    private volatile RestoreResult result;
    private volatile Progress lastProgress;
    private boolean cancelRequested;
    private boolean stoppedForShutdown;
    private PendingLease place;
    private Restore restore;
    private Thread runner;

    RestoreJob(String id, RestoreRequest request, Instant createdAt) {
        this.id = id;
        this.request = request;
        this.createdAt = createdAt;
    }

    /** A new job for {@code request}, with a fresh id. */
    public static RestoreJob of(RestoreRequest request) {
        return new RestoreJob(UUID.randomUUID().toString(), request, Instant.now());
    }

    static RestoreJob fromRecord(JobRecord record) {
        RestoreJob job = new RestoreJob(record.id(), record.request(), record.createdAt());
        job.state = record.state();
        job.source = record.source();
        job.startedAt = record.startedAt();
        job.finishedAt = record.finishedAt();
        job.error = record.error();
        job.errorKind = record.errorKind() == null ? null : FailureKind.valueOf(record.errorKind());
        job.checkpoint = record.checkpoint();
        if (record.state().isFinished()) {
            job.settled.countDown();
        }
        return job;
    }

    synchronized JobRecord record() {
        return record(checkpoint);
    }

    /** The record as it will be once {@code reached} is the checkpoint. */
    synchronized JobRecord record(Checkpoint reached) {
        return new JobRecord(id, request, state, source, createdAt, startedAt, finishedAt, error,
                errorKind == null ? null : errorKind.name(), reached);
    }

    public String id() {
        return id;
    }

    public RestoreRequest request() {
        return request;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** When its restore got its memory and started; null before. */
    public Instant startedAt() {
        return startedAt;
    }

    /** When the budget granted the restore its memory: its place in the budget's FIFO. */
    public Instant admittedAt() {
        return admittedAt;
    }

    /** The order the budget admitted this job in (1, 2, ...); 0 before it was admitted. */
    public long admissionNumber() {
        return admissionNumber;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    /** What the source is, once found; null before. */
    public String source() {
        return source;
    }

    /** Why the job did not succeed, one sentence; null otherwise. */
    public String error() {
        return error;
    }

    public FailureKind errorKind() {
        return errorKind;
    }

    /** What became of the target of a failed job (its incomplete mark), or null. */
    public String targetNote() {
        return targetNote;
    }

    /** How the restore went; null unless it succeeded. */
    public RestoreResult result() {
        return result;
    }

    public synchronized JobState state() {
        return state;
    }

    /** Progress now, or the last seen once finished; null before the restore started. */
    public Progress progress() {
        Restore r;
        synchronized (this) {
            r = restore;
        }
        if (r != null) {
            lastProgress = r.progress();
        }
        return lastProgress;
    }

    /** The job as the API shows it now; {@code queuePosition} as the registry knows it, or null. */
    public JobView view(Integer queuePosition) {
        JobState state = state();
        Progress p = progress();
        return new JobView(id(), state, queuePosition, source(), request().to(),
                p == null ? 0 : p.doneBytes(), p == null || p.totalBytes() < 0 ? null : p.totalBytes(),
                p == null ? 0 : p.writtenBytes(), p == null ? 0 : p.zeroedBytes(), p == null ? 0 : p.skippedBytes(),
                p == null ? 0 : Math.round(p.bytesPerSecond()),
                p == null || p.etaSeconds() < 0 || state.isFinished() ? null : p.etaSeconds(),
                error(), errorKind(), targetNote(), text(createdAt()), text(startedAt()),
                text(admittedAt()), admissionNumber() == 0 ? null : admissionNumber(),
                text(finishedAt()), checkpoint(), resumedFrom(), request());
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** Where a resumed job started again, or null for a job that ran from the start. */
    public Checkpoint resumedFrom() {
        return resumedFrom;
    }

    boolean isResumed() {
        return resumedFrom != null;
    }

    /** How far the restore is durably done (journaled), or null before its first checkpoint. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    /** True once the job has ended and its runner has closed the target. */
    public boolean isSettled() {
        return settled.getCount() == 0;
    }

    /** Waits up to {@code timeout} for the job to settle; returns whether it did. */
    public boolean awaitSettled(Duration timeout) throws InterruptedException {
        return settled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Asks the job to stop. Ends a job whose restore has not started at once; a running restore drains first. */
    public void cancel() {
        Restore running = stop(false, JobState.CANCELLED, "cancelled before it started", FailureKind.CANCELLED);
        if (running != null) {
            running.cancel();
        }
    }

    /**
     * Stops the job because the agent stops: nothing is recorded as its end, so the journal keeps
     * it unfinished and the next start runs it again.
     */
    void stopForShutdown() {
        Restore running = stop(true, null, null, null);
        if (running != null) {
            running.cancel();
        }
    }

    boolean isStoppedForShutdown() {
        synchronized (this) {
            return stoppedForShutdown;
        }
    }

    /**
     * Ends a job whose runner is stuck before its restore started (a source that does not answer)
     * with {@code failure}, as a cancel would end it. Does nothing once the restore runs: that
     * watches its own reads.
     */
    void expire(RestoreFailure failure) {
        stop(false, JobState.FAILED, failure.getMessage(), failure.kind());
    }

    /** Stops the job; one not yet running ends as {@code endState} says, unless {@code shutdown}. */
    private Restore stop(boolean shutdown, JobState endState, String message, FailureKind kind) {
        PendingLease waiting;
        Restore running;
        synchronized (this) {
            if (state.isFinished() || (endState == JobState.FAILED && restore != null)) {
                return null;
            }
            cancelRequested = true;
            stoppedForShutdown |= shutdown;
            waiting = place;
            running = restore;
            if (running == null) {
                if (!shutdown) {
                    end(endState, message, kind);
                }
                if (runner != null) {
                    // out of whatever the runner waits in: a read, an open, the budget's queue
                    runner.interrupt();
                }
            }
        }
        if (waiting != null) {
            waiting.cancel();
        }
        return running;
    }

    // ---- the runner's side

    /** Marks a job that had not finished when the agent stopped: it runs again from its checkpoint. */
    void resuming() {
        synchronized (this) {
            resumedFrom = checkpoint == null ? Checkpoint.START : checkpoint;
            state = JobState.QUEUED;
        }
    }

    synchronized void placed(PendingLease queued) {
        place = queued;
    }

    synchronized PendingLease place() {
        return place;
    }

    /** The runner's thread begins; false if the job was stopped already. */
    synchronized boolean begin(Thread thread) {
        runner = thread;
        return !cancelRequested;
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    void sourceResolved(String description) {
        this.source = description;
    }

    void verifiedBy(String checks) {
        this.verification = checks;
    }

    /** What the job's data is checked against, once its source is found; else null. */
    public String verification() {
        return verification;
    }

    /** The restore got its memory and starts; false if the job was stopped meanwhile. */
    synchronized boolean admitted(Restore running, long grantNumber) {
        if (cancelRequested || state.isFinished()) {
            return false;
        }
        restore = running;
        admissionNumber = grantNumber;
        admittedAt = Instant.now();
        startedAt = admittedAt;
        state = JobState.RUNNING;
        // interrupts from here on would reach the restore's own waits: cancel goes through Restore.cancel
        runner = null;
        return true;
    }

    void checkpointed(Checkpoint reached) {
        checkpoint = reached;
    }

    synchronized void succeeded(RestoreResult restored) {
        if (!state.isFinished()) {
            progress();
            result = restored;
            end(JobState.SUCCEEDED, null, null);
        }
    }

    /** Records the failure unless the job ended already, or was stopped for shutdown. */
    synchronized void failed(RestoreFailure failure, String note) {
        if (state.isFinished() || stoppedForShutdown) {
            return;
        }
        progress();
        targetNote = note;
        boolean cancelled = failure.kind() == FailureKind.CANCELLED;
        end(cancelled ? JobState.CANCELLED : JobState.FAILED, failure.getMessage(), failure.kind());
    }

    /** The runner has let go of everything: the target is closed. */
    void settle() {
        synchronized (this) {
            restore = null;
            runner = null;
            place = null;
        }
        settled.countDown();
    }

    private void end(JobState end, String message, FailureKind kind) {
        error = message;
        errorKind = kind;
        finishedAt = Instant.now();
        state = end;
    }
}
