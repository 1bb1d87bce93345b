package dev.restoreagent.agent.job;

import dev.restoreagent.agent.restore.Checkpoint;
import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreFailure;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.targets.OpenedTarget;
import dev.restoreagent.agent.targets.TargetOpener;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.memory.MemoryBudget;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The daemon's jobs: takes submissions, admits them to the memory budget in submission order,
 * runs each on a thread of its own, journals every change, and keeps finished jobs for the
 * retention time.
 *
 * <p>Admission order: a single admission thread resolves each job's source and opens its target,
 * then starts the restore and waits until its memory request is queued in the budget before it
 * takes the next job. The budget serves its queue FIFO, so jobs start in the order they came.
 *
 * <p>Lifecycle: {@link #start()} loads the journal and runs again every job that had not finished,
 * from its last checkpoint (objects written and flushed); {@link #close()} stops the
 * running restores, which drain their writes and keep their incomplete marks, and leaves them in the
 * journal as running so the next start resumes them. Thread-safe.
 */
public final class JobRegistry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobRegistry.class.getName());

    /** A submission that conflicts with a job already there (HTTP 409). */
    public static final class ConflictException extends Exception {
        private static final long serialVersionUID = 1L;

        ConflictException(String message) {
            super(message);
        }
    }

    private final MemoryBudget budget;
    private final RestoreSettings settings;
    private final TargetOpener targets;
    private final Journal journal;
    private final Path stateDir;
    private final Duration retention;
    private final Consumer<RestoreJob> onFinished;
    private final Map<String, RestoreJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService admission = Executors.newSingleThreadExecutor(DaemonThreads.named("admission"));
    private final ExecutorService runners = Executors.newCachedThreadPool(DaemonThreads.named("job"));
    private volatile boolean closing;

    public JobRegistry(MemoryBudget budget, RestoreSettings settings, TargetOpener targets, Journal journal,
                       Path stateDir, Duration retention, Consumer<RestoreJob> onFinished) {
        this.budget = budget;
        this.settings = settings;
        this.targets = targets;
        this.journal = journal;
        this.stateDir = stateDir;
        this.retention = retention;
        this.onFinished = onFinished;
    }

    /** Loads the journal; jobs that had not finished are admitted again, oldest first. */
    public void start() throws IOException {
        List<String> problems = new ArrayList<>();
        for (JobRecord record : journal.load(problems)) {
            RestoreJob job = RestoreJob.fromRecord(record);
            jobs.put(job.id(), job);
            if (!record.state().isFinished()) {
                job.resuming();
                LOG.info("resuming job " + job.id() + " (" + record.state() + " when the agent stopped) from "
                        + job.resumedFrom());
                admission.execute(() -> admit(job));
            }
        }
        problems.forEach(LOG::warning);
    }

    /**
     * Takes a request: a new job, or the existing one with the same idempotency key.
     *
     * @throws RestoreRequests.FieldException for a malformed request
     * @throws ConflictException if a job for the same target is queued or running
     */
    public synchronized Submitted submit(RestoreRequest request) throws ConflictException {
        if (closing) {
            throw new ConflictException("the agent is shutting down");
        }
        RestoreRequests.validate(request);
        if (request.idempotencyKey() != null) {
            Optional<RestoreJob> same = jobs.values().stream()
                    .filter(j -> request.idempotencyKey().equals(j.request().idempotencyKey())).findFirst();
            if (same.isPresent()) {
                return new Submitted(same.get(), false);
            }
        }
        for (RestoreJob other : jobs.values()) {
            if (!other.state().isFinished() && other.request().to().equals(request.to())) {
                throw new ConflictException("a restore to " + request.to() + " is already " 
                        + other.state().name().toLowerCase(java.util.Locale.ROOT) + ": job " + other.id());
            }
        }
        RestoreJob job = new RestoreJob(UUID.randomUUID().toString(), request, Instant.now());
        jobs.put(job.id(), job);
        persistQuietly(job);
        admission.execute(() -> admit(job));
        return new Submitted(job, true);
    }

    /** A submission's job, and whether it is new. */
    public record Submitted(RestoreJob job, boolean created) {
    }

    public Optional<RestoreJob> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Every job, newest first. */
    public List<RestoreJob> list() {
        List<RestoreJob> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing(RestoreJob::createdAt).reversed());
        return all;
    }

    /** Position in the budget's queue, 1 = next; empty unless the job waits for memory. */
    public Optional<Integer> queuePosition(RestoreJob job) {
        int index = budget.waitingHolders().indexOf(job.id());
        return index < 0 ? Optional.empty() : Optional.of(index + 1);
    }

    /** @throws ConflictException if the job has finished already */
    public RestoreJob cancel(String id) throws ConflictException {
        RestoreJob job = jobs.get(id);
        if (job == null) {
            return null;
        }
        if (job.state().isFinished()) {
            throw new ConflictException("job " + id + " has finished already (" + job.state() + ")");
        }
        job.cancel();
        return job;
    }

    /** Drops finished jobs older than the retention time. */
    public void expire() {
        Instant cutoff = Instant.now().minus(retention);
        for (RestoreJob job : list()) {
            if (job.state().isFinished() && job.finishedAt() != null && job.finishedAt().isBefore(cutoff)) {
                jobs.remove(job.id());
                try {
                    journal.delete(job.id());
                } catch (IOException e) {
                    LOG.warning("cannot delete job record " + job.id() + ": " + e.getMessage());
                }
            }
        }
    }

    private void admit(RestoreJob job) {
        if (job.cancelRequested() || closing) {
            finish(job, new RestoreFailure(RestoreFailure.Kind.CANCELLED, "cancelled before it started"));
            return;
        }
        OpenedTarget opened = null;
        try {
            RestoreSource source = RestoreRequests.resolveSource(job.request());
            job.sourceResolved(source.description());
            opened = targets.open(RestoreRequests.target(job.request(), stateDir, job.isResumed()),
                    source.extentBytes());
            Restore restore = new Restore(source, opened.target(), budget,
                    settings.withTargetZeroed(job.request().isTargetZeroed()), job.id(),
                    job.isResumed() ? job.resumedFrom() : Checkpoint.START, reached -> checkpoint(job, reached));
            job.started(restore);
            persistQuietly(job);
            OpenedTarget target = opened;
            opened = null;
            runners.execute(() -> run(job, restore, target));
            awaitAdmission(restore);
        } catch (RestoreFailure e) {
            finish(job, e);
        } catch (IllegalArgumentException e) {
            finish(job, RestoreFailure.badInput(e.getMessage(), e));
        } finally {
            closeQuietly(opened);
        }
    }

    /** Waits until the restore holds its memory or waits in the budget's queue, or has ended. */
    private void awaitAdmission(Restore restore) {
        try {
            while (restore.state() == Restore.State.NEW
                    || restore.state() == Restore.State.QUEUED && !budget.waitingHolders().contains(restore.holder())) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(RestoreJob job, Restore restore, OpenedTarget target) {
        try {
            if (job.cancelRequested()) {
                restore.cancel();
            }
            restore.run();
            job.succeeded();
            persistQuietly(job);
        } catch (RestoreFailure e) {
            if (closing && e.kind() == RestoreFailure.Kind.CANCELLED) {
                // stopped by shutdown: the journal still says RUNNING, so the next start resumes it
                LOG.info("job " + job.id() + " stopped for shutdown; it resumes when the agent starts");
                return;
            }
            job.failed(e);
            persistQuietly(job);
        } finally {
            closeQuietly(target);
            onFinished.accept(job);
        }
    }

    private void finish(RestoreJob job, RestoreFailure failure) {
        job.failed(failure);
        persistQuietly(job);
        onFinished.accept(job);
    }

    /** Journals the checkpoint first: the job shows it only once it would survive a crash. */
    private void checkpoint(RestoreJob job, Checkpoint reached) {
        try {
            journal.save(job.record(reached));
            job.checkpointed(reached);
        } catch (IOException e) {
            LOG.severe("cannot journal the checkpoint of job " + job.id() + ": " + e.getMessage());
        }
    }

    private void persistQuietly(RestoreJob job) {
        try {
            journal.save(job.record());
        } catch (IOException e) {
            LOG.severe("cannot journal job " + job.id() + ": " + e.getMessage());
        }
    }

    private static void closeQuietly(OpenedTarget target) {
        if (target != null) {
            try {
                target.close();
            } catch (IOException e) {
                LOG.warning("closing target failed: " + e.getMessage());
            }
        }
    }

    /** Stops admitting, cancels running restores (they drain and keep their marks), waits for them. */
    @Override
    public void close() {
        closing = true;
        admission.shutdownNow();
        jobs.values().stream().filter(j -> !j.state().isFinished()).forEach(RestoreJob::cancel);
        runners.shutdown();
        try {
            runners.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
