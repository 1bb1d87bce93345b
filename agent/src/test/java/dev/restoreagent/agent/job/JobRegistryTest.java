package dev.restoreagent.agent.job;

import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.targets.TargetOpener;
import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.api.JobState;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.memory.MemoryBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry's bookkeeping without running restores: journal, retention, conflicts. */
class JobRegistryTest {
    @TempDir
    Path dir;

    private static RestoreRequest request(String to, String key) {
        return new RestoreRequest(null, null, null, null, "/nonexistent/image", null, to, null, null, null, null, key, null, null, null, null, null);
    }

    private JobRegistry registry(Journal journal, Duration retention) {
        return registry(journal, retention, new MemoryBudget(64L << 20));
    }

    private JobRegistry registry(Journal journal, Duration retention, MemoryBudget budget) {
        TargetOpener noCluster = new TargetOpener(() -> {
            throw new IllegalStateException("no cluster in this test");
        });
        return new JobRegistry(budget, RestoreSettings.defaults(), noCluster, Stores.NONE, journal, dir, retention, job -> { });
    }

    @Test
    void finishedJobsAreDroppedAfterTheRetentionTime() throws Exception {
        Journal journal = new Journal(dir);
        Instant longAgo = Instant.now().minus(Duration.ofDays(2));
        journal.save(new JobRecord("old", request("/x", null), JobState.SUCCEEDED, "image x", longAgo, longAgo,
                longAgo, null, null, new Checkpoint(1, 0)));
        journal.save(new JobRecord("recent", request("/y", null), JobState.FAILED, "image y", Instant.now(),
                Instant.now(), Instant.now(), "it failed", "BAD_INPUT", null));
        try (JobRegistry jobs = registry(journal, Duration.ofHours(24))) {
            jobs.start();
            assertThat(jobs.get("old")).isPresent();

            jobs.expire();

            assertThat(jobs.get("old")).isEmpty();
            assertThat(jobs.get("recent")).isPresent();
            assertThat(dir.resolve("jobs/old.json")).doesNotExist();
            assertThat(journal.load(new ArrayList<>())).extracting(JobRecord::id).containsExactly("recent");
        }
    }

    @Test
    void aBadJobFailsAndIsJournaledAndTheSameKeyReturnsTheSameJob() throws Exception {
        Journal journal = new Journal(dir);
        try (JobRegistry jobs = registry(journal, Duration.ofHours(24))) {
            jobs.start();
            JobRegistry.Submitted first = jobs.submit(request(dir.resolve("t.img").toString(), "key-1"));
            JobRegistry.Submitted again = jobs.submit(request(dir.resolve("t.img").toString(), "key-1"));
            assertThat(first.created()).isTrue();
            assertThat(again.created()).isFalse();
            assertThat(again.job().id()).isEqualTo(first.job().id());

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!first.job().state().isFinished() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(first.job().state()).isEqualTo(JobState.FAILED);
            assertThat(first.job().error()).startsWith("image /nonexistent/image does not exist");
            // the journal is written right after the state changes in memory
            Path record = dir.resolve("jobs/" + first.job().id() + ".json");
            while (!Files.readString(record).contains("\"FAILED\"") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(Files.readString(record)).contains("\"FAILED\"");
        }
    }

    @Test
    void secondRestoreToABusyTargetIsAConflictAndAQueuedJobCanBeCancelled() throws Exception {
        Journal journal = new Journal(dir);
        MemoryBudget budget = new MemoryBudget(64L << 20);
        Path image = Files.write(dir.resolve("image.raw"), new byte[4096]);
        String target = dir.resolve("busy.img").toString();
        RestoreRequest request = new RestoreRequest(null, null, null, null, image.toString(), "raw", target, null,
                null, null, null, null, null, null, null, null, null);
        // all memory is taken: the job waits in the budget's queue
        try (var hog = budget.tryAcquire(64L << 20, "hog").orElseThrow();
             JobRegistry jobs = registry(journal, Duration.ofHours(24), budget)) {
            RestoreJob first = jobs.submit(request).job();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (jobs.queuePosition(first).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(jobs.queuePosition(first)).contains(1);
            assertThat(first.state()).isEqualTo(JobState.QUEUED);

            assertThatThrownBy(() -> jobs.submit(request)).isInstanceOf(JobRegistry.ConflictException.class)
                    .hasMessage("a restore to " + target + " is already queued: job " + first.id());

            jobs.cancel(first.id());
            while (!first.state().isFinished() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(first.state()).isEqualTo(JobState.CANCELLED);
            assertThat(budget.waitingCount()).isZero();
        }
    }

    @Test
    void queuedJobsBehindTheFirstHoldNoSourceNorTargetUntilTheirTurn() throws Exception {
        Journal journal = new Journal(dir);
        MemoryBudget budget = new MemoryBudget(64L << 20);
        Path image = Files.write(dir.resolve("image.raw"), new byte[4096]);
        List<Path> targets = List.of(dir.resolve("t1.img"), dir.resolve("t2.img"), dir.resolve("t3.img"));
        try (var hog = budget.tryAcquire(64L << 20, "hog").orElseThrow();
             JobRegistry jobs = registry(journal, Duration.ofHours(24), budget)) {
            List<RestoreJob> queued = new ArrayList<>();
            for (Path target : targets) {
                queued.add(jobs.submit(new RestoreRequest(null, null, null, null, image.toString(), "raw",
                        target.toString(), null, null, null, null, null, null, null, null, null, null)).job());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(targets.get(0)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            // the first found its source and opened its target, and waits for the hog's memory
            assertThat(queued.get(0).source()).isNotNull();
            Thread.sleep(200);
            assertThat(queued.subList(1, 3)).allSatisfy(job -> assertThat(job.source()).isNull());
            assertThat(targets.subList(1, 3)).allSatisfy(target -> assertThat(target).doesNotExist());

            // the second, cancelled while queued, ends at once; the third's turn comes after the first's
            jobs.cancel(queued.get(1).id());
            assertThat(queued.get(1).state()).isEqualTo(JobState.CANCELLED);
            assertThat(queued.get(2).source()).isNull();
            jobs.cancel(queued.get(0).id());
            while (!Files.exists(targets.get(2)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(queued.get(2).source()).isNotNull();
            assertThat(queued.get(2).state()).isEqualTo(JobState.QUEUED);
            jobs.cancel(queued.get(2).id());
            for (RestoreJob job : queued) {
                assertThat(job.awaitSettled(Duration.ofSeconds(30))).isTrue();
            }
            assertThat(targets.get(1)).doesNotExist();
            assertThat(budget.waitingCount()).isZero();
        }
    }
}
