package dev.restoreagent.agent.job;

import dev.restoreagent.agent.restore.Checkpoint;
import dev.restoreagent.agent.restore.Progress;
import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreFailure;

import java.time.Instant;

/**
 * One restore the daemon was asked for, from submission to its end. Its state moves
 * QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED (or from QUEUED straight to an end). Read from
 * any thread; written by its runner thread and by cancel.
 */
public final class RestoreJob {
    private final String id;
    private final RestoreRequest request;
    private final Instant createdAt;
    private volatile JobState state = JobState.QUEUED;
    private volatile String source;
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile String error;
    private volatile RestoreFailure.Kind errorKind;
    private volatile Restore restore;
    private volatile boolean cancelRequested;
    private volatile Progress lastProgress;
    private volatile Instant admittedAt;
    private volatile long admissionNumber;
    private volatile Checkpoint checkpoint;
    private volatile Checkpoint resumedFrom;

    RestoreJob(String id, RestoreRequest request, Instant createdAt) {
        this.id = id;
        this.request = request;
        this.createdAt = createdAt;
    }

    static RestoreJob fromRecord(JobRecord record) {
        RestoreJob job = new RestoreJob(record.id(), record.request(), record.createdAt());
        job.state = record.state();
        job.source = record.source();
        job.startedAt = record.startedAt();
        job.finishedAt = record.finishedAt();
        job.error = record.error();
        job.errorKind = record.errorKind() == null ? null : RestoreFailure.Kind.valueOf(record.errorKind());
        job.checkpoint = record.checkpoint();
        return job;
    }

    JobRecord record() {
        return record(checkpoint);
    }

    /** The record as it will be once {@code reached} is the checkpoint. */
    JobRecord record(Checkpoint reached) {
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

    public Instant startedAt() {
        return startedAt;
    }

    /** When the restore got its memory and began reading: its place in the budget's FIFO. */
    public Instant admittedAt() {
        progress();
        return admittedAt;
    }

    /** The order the budget admitted this job in (1, 2, ...); 0 before it was admitted. */
    public long admissionNumber() {
        progress();
        return admissionNumber;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public String source() {
        return source;
    }

    public String error() {
        return error;
    }

    public RestoreFailure.Kind errorKind() {
        return errorKind;
    }

    /** The state now: a running restore that still waits for memory counts as QUEUED. */
    public JobState state() {
        JobState current = state;
        Restore r = restore;
        if (current == JobState.RUNNING && r != null && r.state() == Restore.State.QUEUED) {
            return JobState.QUEUED;
        }
        return current;
    }

    /** Progress now, or the last seen once finished; null before the restore started. */
    public Progress progress() {
        Restore r = restore;
        if (r != null) {
            Progress p = r.progress();
            if (admittedAt == null && p.state() != Restore.State.QUEUED && p.state() != Restore.State.NEW) {
                admittedAt = Instant.now().minusNanos(p.runningNanos());
                admissionNumber = r.admissionNumber();
            }
            lastProgress = p;
        }
        return lastProgress;
    }

    /** Marks a job that had not finished when the agent stopped: it runs again from its checkpoint. */
    void resuming() {
        resumedFrom = checkpoint == null ? Checkpoint.START : checkpoint;
        state = JobState.QUEUED;
    }

    boolean isResumed() {
        return resumedFrom != null;
    }

    /** Where a resumed job started again, or null for a job that ran from the start. */
    public Checkpoint resumedFrom() {
        return resumedFrom;
    }

    /** How far the restore is durably done (journaled), or null before its first checkpoint. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    void checkpointed(Checkpoint reached) {
        checkpoint = reached;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    void sourceResolved(String description) {
        this.source = description;
    }

    void started(Restore running) {
        this.restore = running;
        this.startedAt = Instant.now();
        this.state = JobState.RUNNING;
    }

    /** Asks the job to stop; a running restore drains its writes first. */
    void cancel() {
        cancelRequested = true;
        Restore r = restore;
        if (r != null) {
            r.cancel();
        }
    }

    void succeeded() {
        finish(JobState.SUCCEEDED, null, null);
    }

    void failed(RestoreFailure failure) {
        finish(failure.kind() == RestoreFailure.Kind.CANCELLED ? JobState.CANCELLED : JobState.FAILED,
                failure.getMessage(), failure.kind());
    }

    private void finish(JobState end, String message, RestoreFailure.Kind kind) {
        progress();
        this.error = message;
        this.errorKind = kind;
        this.finishedAt = Instant.now();
        this.restore = null;
        this.state = end;
    }

    /** Restore handle while it runs, for the budget's queue position. */
    Restore restore() {
        return restore;
    }
}
