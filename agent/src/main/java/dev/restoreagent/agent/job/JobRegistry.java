package dev.restoreagent.agent.job;

import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.targets.TargetOpener;
import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.api.JobState;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.memory.MemoryBudget;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The daemon's jobs: takes submissions, runs each through the {@link JobRunner} on a thread of its
 * own, journals every change, and keeps finished jobs for the retention time.
 *
 * <p>Admission order: each job takes its place in the budget's queue when it is submitted (the
 * runner's {@link JobRunner#enqueue}), so jobs get their memory in the order they came, however
 * long each takes to find its source and open its target. A job gets its thread when nobody ahead of
 * it waits any more; only then does it find its source, open its target and size its request.
 *
 * <p>Lifecycle: {@link #start()} loads the journal and runs again every job that had not finished,
 * from its last checkpoint (objects written and flushed); {@link #close()} stops the
 * running restores, which drain their writes and keep their incomplete marks, and leaves them in the
 * journal as unfinished so the next start resumes them. Thread-safe.
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
    private final JobRunner runner;
    private final Journal journal;
    private final Duration retention;
    private final Consumer<RestoreJob> onFinished;
    private final Map<String, RestoreJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("job"));
    private volatile boolean closing;

    public JobRegistry(MemoryBudget budget, RestoreSettings settings, TargetOpener targets, Stores stores,
                       Journal journal, Path stateDir, Duration retention, Consumer<RestoreJob> onFinished) {
        this.budget = budget;
        this.journal = journal;
        this.retention = retention;
        this.onFinished = onFinished;
        this.runner = new JobRunner(budget, settings, targets, stores, stateDir, new Journaling());
    }

    /** Loads the journal; jobs that had not finished run again, oldest first. */
    public synchronized void start() throws IOException {
        List<String> problems = new ArrayList<>();
        for (JobRecord record : journal.load(problems)) {
            RestoreJob job = RestoreJob.fromRecord(record);
            jobs.put(job.id(), job);
            if (!record.state().isFinished()) {
                job.resuming();
                LOG.info("resuming job " + job.id() + " (" + record.state() + " when the agent stopped) from "
                        + job.resumedFrom());
                launch(job);
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
            if (!other.isSettled() && other.request().to().equals(request.to())) {
                JobState state = other.state();
                throw new ConflictException("a restore to " + request.to() + " is "
                        + (state.isFinished() ? "still letting go of it after it ended " + state
                                : "already " + state.name().toLowerCase(Locale.ROOT)) + ": job " + other.id());
            }
        }
        RestoreJob job = RestoreJob.of(request);
        jobs.put(job.id(), job);
        persistQuietly(job);
        launch(job);
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

    /**
     * Ends the job: at once if its restore has not started (whatever it waits in), else once the
     * restore has drained its writes.
     *
     * @throws ConflictException if the job has finished already
     */
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
            if (job.isSettled() && job.finishedAt() != null && job.finishedAt().isBefore(cutoff)) {
                jobs.remove(job.id());
                try {
                    journal.delete(job.id());
                } catch (IOException e) {
                    LOG.warning("cannot delete job record " + job.id() + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Takes the job's place in the budget's queue now; runs it on a thread of its own once nobody
     * ahead of it waits. Until then a queued job holds nothing but its request: no thread, no open
     * source or target (41 restores asked for at once cost a thread each only as they are admitted).
     */
    private void launch(RestoreJob job) {
        runner.enqueue(job);
        job.place().turn().thenRun(() -> {
            try {
                threads.execute(() -> runner.run(job));
            } catch (RejectedExecutionException stopping) {
                // the registry closed as the job's turn came: it was stopped for shutdown, so this
                // only records that, at once
                runner.run(job);
            }
        });
    }

    /** Journals each change of a job; the job shows a checkpoint only once it would survive a crash. */
    private final class Journaling implements JobListener {
        @Override
        public void sourceResolved(RestoreJob job, RestoreSource source) {
            LOG.info("job " + job.id() + ": " + source.description() + ", checked against " + source.verification());
            source.notes().forEach(note -> LOG.warning("job " + job.id() + ": " + note));
        }

        @Override
        public void started(RestoreJob job) {
            persistQuietly(job);
        }

        @Override
        public void checkpointed(RestoreJob job, Checkpoint reached) {
            try {
                journal.save(job.record(reached));
                job.checkpointed(reached);
            } catch (IOException e) {
                LOG.severe("cannot journal the checkpoint of job " + job.id() + ": " + e.getMessage());
            }
        }

        @Override
        public void ended(RestoreJob job) {
            if (job.isStoppedForShutdown() && !job.state().isFinished()) {
                // the journal still has it unfinished, so the next start resumes it
                LOG.info("job " + job.id() + " stopped for shutdown; it resumes when the agent starts");
                return;
            }
            persistQuietly(job);
            onFinished.accept(job);
        }
    }

    private void persistQuietly(RestoreJob job) {
        try {
            journal.save(job.record());
        } catch (IOException e) {
            LOG.severe("cannot journal job " + job.id() + ": " + e.getMessage());
        }
    }

    /**
     * Stops taking jobs and stops the unfinished ones, which stay unfinished in the journal (running
     * restores drain and keep their marks); waits for their runners to let go.
     */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        jobs.values().stream().filter(j -> !j.state().isFinished()).forEach(RestoreJob::stopForShutdown);
        threads.shutdown();
        try {
            threads.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
