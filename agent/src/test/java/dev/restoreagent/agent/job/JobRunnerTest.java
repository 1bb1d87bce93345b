package dev.restoreagent.agent.job;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.targets.TargetOpener;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.api.JobState;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's life through the runner: whatever it is blocked in, a cancel ends it CANCELLED and gives
 * up its place; whatever fails, it ends FAILED with one sentence and settles.
 */
class JobRunnerTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final MemoryBudget budget = new MemoryBudget(64L << 20);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private JobRunner runner(JobRunner.Sources sources, TargetOpener.Connections cluster) {
        return runner(RestoreSettings.defaults(), sources, cluster);
    }

    private JobRunner runner(RestoreSettings settings, JobRunner.Sources sources, TargetOpener.Connections cluster) {
        return new JobRunner(budget, settings, sources, new TargetOpener(cluster), Stores.NONE, dir, job -> { });
    }

    private JobRunner runner() {
        return runner(request -> RestoreRequests.resolveSource(request, Stores.NONE, dir), () -> {
            throw new IllegalStateException("no cluster in this test");
        });
    }

    private static RestoreRequest image(String image, String to) {
        return new RestoreRequest(null, null, null, null, image, "raw", to, null, null, null, null, null, null, null, null, null, null);
    }

    private RestoreJob start(JobRunner runner, RestoreRequest request) {
        RestoreJob job = RestoreJob.of(request);
        runner.enqueue(job);
        threads.execute(() -> runner.run(job));
        return job;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time: " + what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void aJobWaitingForMemoryIsCancelledAndItsPlaceFreed() throws Exception {
        Path image = dir.resolve("image.raw");
        Volumes.write(image, 1L << 20, 1, VolumeShape.DISK_LIKE);
        JobRunner runner = runner();
        try (BudgetLease hog = budget.tryAcquire(budget.totalBytes(), "hog").orElseThrow()) {
            RestoreJob job = start(runner, image(image.toString(), dir.resolve("t").toString()));
            await("the job sized its place", () -> job.source() != null && budget.waitingCount() == 1);
            assertThat(job.state()).isEqualTo(JobState.QUEUED);

            job.cancel();

            assertThat(job.state()).isEqualTo(JobState.CANCELLED);
            assertThat(job.awaitSettled(LONG)).isTrue();
            assertThat(budget.waitingCount()).isZero();
            assertThat(job.error()).isEqualTo("cancelled before it started");
        }
        assertThat(budget.availableBytes()).isEqualTo(budget.totalBytes());
    }

    @Test
    void aJobBlockedFindingItsSourceEndsAtOnceAndSettlesWhenItsThreadLetsGo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finding = new CountDownLatch(1);
        JobRunner runner = runner(request -> {
            finding.countDown();
            // like an open that ignores interrupts: only the release ends it
            while (true) {
                try {
                    release.await();
                    throw RestoreFailure.badInput("metadata unreadable");
                } catch (InterruptedException e) {
                    // not for us
                }
            }
        }, () -> null);
        RestoreJob job = start(runner, image("/nowhere", dir.resolve("t").toString()));
        await("the runner started", () -> budget.waitingCount() == 1);
        // its thread may start a moment after its turn: cancelled before, it would have nothing to let go
        assertThat(finding.await(LONG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        job.cancel();

        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(budget.waitingCount()).as("its place is given up at once").isZero();
        assertThat(job.isSettled()).isFalse();
        release.countDown();
        assertThat(job.awaitSettled(LONG)).isTrue();
        // what the runner saw afterwards does not change how the job ended
        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(job.error()).isEqualTo("cancelled before it started");
    }

    @Test
    void aJobBlockedOpeningItsTargetIsCancelled() throws Exception {
        Path image = dir.resolve("image.raw");
        Volumes.write(image, 1L << 20, 1, VolumeShape.DISK_LIKE);
        CountDownLatch connecting = new CountDownLatch(1);
        JobRunner runner = runner(request -> RestoreRequests.resolveSource(request, Stores.NONE, dir), () -> {
            connecting.countDown();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted while connecting");
            }
            return null;
        });
        RestoreJob job = start(runner, image(image.toString(), "rbd:rbd/unreachable"));
        assertThat(connecting.await(30, TimeUnit.SECONDS)).isTrue();

        job.cancel();

        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(job.awaitSettled(LONG)).isTrue();
        assertThat(budget.waitingCount()).isZero();
    }

    @Test
    void aRunningJobBlockedReadingItsStreamIsCancelledAndGivesItsMemoryBack() throws Exception {
        Path fifo = dir.resolve("stream");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        JobRunner runner = runner();
        RestoreJob job = start(runner, image(fifo.toString(), dir.resolve("t").toString()));
        try (OutputStream writer = Files.newOutputStream(fifo)) {
            writer.write(new byte[1 << 20]);
            writer.flush();
            await("the restore runs", () -> job.state() == JobState.RUNNING);
            // the restore now waits for more of the stream, which never comes

            job.cancel();

            assertThat(job.awaitSettled(LONG)).isTrue();
        }
        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(job.targetNote()).contains("is incomplete and marked so");
        await("the memory is back", () -> budget.availableBytes() == budget.totalBytes());
    }

    @Test
    void aRunningJobWhoseStreamStopsAnsweringFailsAtTheReadDeadline() throws Exception {
        Path fifo = dir.resolve("stream");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        JobRunner runner = runner(RestoreSettings.defaults().withSourceReadTimeout(Duration.ofSeconds(1)),
                request -> RestoreRequests.resolveSource(request, Stores.NONE, dir), () -> null);
        RestoreJob job = start(runner, image(fifo.toString(), dir.resolve("t").toString()));
        try (OutputStream writer = Files.newOutputStream(fifo)) {
            writer.write(new byte[1 << 20]);
            writer.flush();
            await("the restore runs", () -> job.state() == JobState.RUNNING);
            // the writer stays connected and sends nothing more: a source that stopped answering

            assertThat(job.awaitSettled(LONG)).isTrue();
            assertThat(job.state()).isEqualTo(JobState.FAILED);
        }
        assertThat(job.errorKind()).isEqualTo(FailureKind.BAD_INPUT);
        // the deadline is 1 s; on a loaded machine the watchdog may see it a second later
        assertThat(job.error()).matches(java.util.regex.Pattern.quote("reading object " + fifo + " (image) returned"
                + " nothing for ") + "[12] s, after [0-9]+ bytes of it: its source stopped answering");
        assertThat(job.targetNote()).contains("is incomplete and marked so");
        await("the memory is back", () -> budget.availableBytes() == budget.totalBytes());
    }

    @Test
    void aJobWhoseSourceDoesNotAnswerFailsAtTheDeadlineAndGivesUpItsPlace() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JobRunner runner = runner(RestoreSettings.defaults().withSourceReadTimeout(Duration.ofSeconds(1)), request -> {
            // a read of metadata on a hung NFS mount: interrupts do not end it
            while (true) {
                try {
                    release.await();
                    return RestoreRequests.resolveSource(request, Stores.NONE, dir);
                } catch (InterruptedException e) {
                    // not for us
                }
            }
        }, () -> null);
        RestoreJob job = start(runner, image("/nowhere", dir.resolve("t").toString()));
        await("the runner started", () -> budget.waitingCount() == 1);

        await("the deadline passed", () -> job.state() == JobState.FAILED);

        assertThat(job.error()).isEqualTo("finding and reading the source's metadata took more than 1 s:"
                + " the source stopped answering");
        assertThat(budget.waitingCount()).as("its place is given up").isZero();
        assertThat(job.isSettled()).isFalse();
        release.countDown();
        assertThat(job.awaitSettled(LONG)).isTrue();
        assertThat(job.state()).isEqualTo(JobState.FAILED);
    }

    @Test
    void anUnexpectedExceptionEndsTheJobFailedInOneSentence() throws Exception {
        JobRunner runner = runner(request -> {
            throw new NullPointerException("Cannot invoke \"JsonLocation.getLineNr()\"\n\tat somewhere");
        }, () -> null);
        RestoreJob job = start(runner, image("/x", dir.resolve("t").toString()));

        assertThat(job.awaitSettled(LONG)).isTrue();
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.errorKind()).isEqualTo(FailureKind.INTERNAL);
        assertThat(job.error()).isEqualTo("internal error (NullPointerException: Cannot invoke"
                + " \"JsonLocation.getLineNr()\")");
        assertThat(budget.waitingCount()).isZero();
    }

    @Test
    void anErrorSuchAsOutOfMemoryEndsTheJobToo() throws Exception {
        JobRunner runner = runner(request -> {
            throw new OutOfMemoryError("Java heap space");
        }, () -> null);
        RestoreJob job = start(runner, image("/x", dir.resolve("t").toString()));

        assertThat(job.awaitSettled(LONG)).isTrue();
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.error()).isEqualTo("internal error (out of heap memory: Java heap space)");
    }

    @Test
    void jobsGetMemoryInTheOrderTheyWereEnqueuedHoweverLongTheirSourcesTake() throws Exception {
        Path image = dir.resolve("image.raw");
        Volumes.write(image, 1L << 20, 1, VolumeShape.DISK_LIKE);
        CountDownLatch firstMayResolve = new CountDownLatch(1);
        JobRunner runner = runner(request -> {
            if (request.to().endsWith("first")) {
                try {
                    firstMayResolve.await();
                } catch (InterruptedException e) {
                    throw new RestoreFailure(FailureKind.CANCELLED, "interrupted");
                }
            }
            return RestoreRequests.resolveSource(request, Stores.NONE, dir);
        }, () -> null);
        RestoreJob first = start(runner, image(image.toString(), dir.resolve("first").toString()));
        await("first in line", () -> budget.waitingCount() == 1);
        RestoreJob second = start(runner, image(image.toString(), dir.resolve("second").toString()));
        await("second resolved", () -> second.source() != null);
        // the first has not said how much it needs: the second waits behind it
        Thread.sleep(200);
        assertThat(second.state()).isEqualTo(JobState.QUEUED);
        assertThat(budget.waitingHolders()).containsExactly(first.id(), second.id());

        firstMayResolve.countDown();

        assertThat(first.awaitSettled(LONG)).isTrue();
        assertThat(second.awaitSettled(LONG)).isTrue();
        assertThat(first.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(second.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(first.admissionNumber()).isLessThan(second.admissionNumber());
    }
}
