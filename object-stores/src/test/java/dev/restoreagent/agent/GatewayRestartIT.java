package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.io.targets.XattrMarker;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.RadosGateway;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test cluster's RADOS Gateway killed (SIGKILL) in the middle of restores from S3 and Swift through one
 * daemon, and started again as {@code scripts/ceph-cluster.sh} starts it (issue 23). A backup by Cinder's own
 * Swift driver, read through S3 and through Swift (one RGW user's buckets are its containers), six restores at a
 * time, decoded slowly (the Java decoders, one thread each) so that the gateway dies while GETs are under way.
 *
 * <ol>
 *   <li>The same six restores undisturbed: they succeed, and the daemon's threads after them are the reference.
 *   <li>The gateway killed and started again at once (a restart takes 1-2 s): each restore goes on (a GET cut
 *       mid-body resumes by range, a GET that found no gateway is made again) and ends byte-exact without a mark;
 *       only if the gateway took longer than {@link #RIDDEN_OUT_MILLIS} to answer again may one fail instead, with
 *       one sentence that is no internal error, its target marked incomplete.
 *   <li>The gateway killed and kept down until every restore has ended: each fails so, in bounded time, and the
 *       budget and every thread of theirs are given back while it is down.
 *   <li>The gateway back: every target that did not finish restores byte-exact over its mark.
 * </ol>
 *
 * Throughout, the budget never shows more in use than it has; in the end it holds nothing, no thread of a
 * restore is left, and the daemon has no kind of thread it did not have after the first round, nor more of any
 * (but for two pools whose idle threads go after a minute). The moments are drawn from a seeded {@link Random}
 * (printed; {@code -Dchaos.seed=N} repeats them).
 */
@Tag("ceph")
class GatewayRestartIT {
    private static final long MIB = 1 << 20;
    private static final int PER_STORE = 3;
    /**
     * Pools whose threads come with load and go after a minute idle: the job registry's (a thread a running job)
     * and the JDK HTTP client's workers (Swift). Their counts follow how many restores ran at once lately.
     */
    private static final Set<String> ELASTIC_POOLS = Set.of("job", "HttpClient-#-Wo");
    /** One thread each, made the first time it is needed: the expiry of jobs whose source does not answer. */
    private static final Set<String> LAZY_SINGLE_THREADS = Set.of("job deadlines");
    /**
     * A gateway that answers again this soon after its kill is ridden out: a first GET and a resumed one are each
     * made again after pauses of 0.2, 0.4, ... 3.2 s (ResumingChannel), 6.2 s in all.
     */
    private static final long RIDDEN_OUT_MILLIS = 4_000;
    /** The daemon's source_read_timeout_seconds; restores fail within twice that once the gateway is gone. */
    private static final int SOURCE_READ_TIMEOUT_SECONDS = 30;

    /** Kept when the test fails: the daemon's log (daemon/daemon.log) is what tells why. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private record Job(String id, String store, Path target) {
    }

    @Test
    void restoresFromS3AndSwiftResumeOrFailInOneLineWhenTheGatewayDiesAndNothingLeaks() throws Exception {
        RadosGateway rgw = CephTestCluster.rgw();
        CinderOwnDriverTest.requireCinder();
        Path cluster = CephTestCluster.conf().getParent();
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        String chaos = "chaos seed " + seed + " (-Dchaos.seed=" + seed + " repeats it)";
        System.out.println("GatewayRestartIT: " + chaos);
        long start = System.nanoTime();

        DaemonProcess daemon = new DaemonProcess(Files.createDirectories(dir.resolve("daemon")));
        Path allowed = daemon.allowed();
        Path volume = allowed.resolve("volume");
        Volumes.write(volume, 8 * MIB + 4_321, 77, new VolumeShape(0.05, 0.5, 256 * 1024));
        String want = TestSupport.sha256(volume);
        // one backup by Cinder's Swift driver, read through both APIs: one RGW user's containers are its buckets
        CinderDriver.Made made = CinderDriver.objectStore("swift", dir.resolve("cinder")).backup(
                new CinderDriver.BackupSpec(volume, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                        null, "bz2", 2 * MIB, null, null), allowed.resolve("record.json"));
        Map<String, Path> records = new LinkedHashMap<>();
        records.put("s3", made.recordFile());
        records.put("swift", made.recordFile());
        Path s3Credentials = Files.writeString(dir.resolve("s3-credentials"), "[default]\naws_access_key_id = "
                + rgw.s3AccessKey() + "\naws_secret_access_key = " + rgw.s3SecretKey() + "\n");
        Path swiftCredentials = Files.writeString(dir.resolve("swift-credentials"), "user = " + rgw.swiftUser()
                + "\nkey = " + rgw.swiftKey() + "\n");
        phase(start, "backups made");
        String config = String.join("\n", "memory_budget = 48MiB", "buffer_size = 1MiB", "queue_depth = 4",
                "decoders = 1", "source_read_timeout_seconds = " + SOURCE_READ_TIMEOUT_SECONDS,
                "store.s3.type = s3", "store.s3.endpoint = " + rgw.endpoint(),
                "store.s3.credentials_file = " + s3Credentials, "store.swift.type = swift",
                "store.swift.auth_url = " + rgw.swiftAuthUrl(), "store.swift.credentials_file = " + swiftCredentials);
        boolean gatewayDown = false;
        BudgetSampler sampler = null;
        try {
            daemon.start(config, "-Drestore.agent.decoders=java");
            phase(start, "daemon started");

            // undisturbed, the same restores as each round below: the pools' threads are there from now on
            for (Job job : awaitAll(daemon, submit(daemon, records, allowed, "warm"))) {
                assertSucceeded(daemon, job, want, chaos);
            }
            daemon.awaitBudgetReturned();
            daemon.awaitNoRestoreThreads(chaos);
            List<String> threadsWarm = daemon.threadNames();
            phase(start, "the undisturbed round");
            sampler = BudgetSampler.start(daemon);

            // 1. killed in the middle of the restores, started again at once
            List<Job> first = submit(daemon, records, allowed, "back-at-once");
            awaitReading(daemon, first, chaos);
            long before = random.nextInt(1000);
            Thread.sleep(before);
            long killed = System.nanoTime();
            gateway("rgw-kill", cluster);
            gatewayDown = true;
            long down = random.nextInt(1000);
            Thread.sleep(down);
            gateway("rgw-start", cluster);
            gatewayDown = false;
            long answeredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            String story = chaos + ", gateway killed " + before + " ms into the reads, started again after " + down
                    + " ms, answering " + answeredAfter + " ms after the kill";
            List<Job> unfinished = new ArrayList<>();
            int resumed = 0;
            for (Job job : awaitAll(daemon, first)) {
                if (endedAsItMay(daemon, job, want, story)) {
                    resumed++;
                } else {
                    unfinished.add(job);
                }
            }
            System.out.println("GatewayRestartIT: " + story + ": " + resumed + " of " + first.size()
                    + " went on and succeeded, " + unfinished.size() + " failed in one line");
            if (answeredAfter < RIDDEN_OUT_MILLIS) {
                assertThat(unfinished).as(story + ": a gateway back this soon is ridden out").isEmpty();
            }
            phase(start, "round 1");

            // 2. killed in the middle of the restores, kept down until every one has ended
            List<Job> second = submit(daemon, records, allowed, "kept-down", 1);
            awaitReading(daemon, second, chaos);
            gateway("rgw-kill", cluster);
            gatewayDown = true;
            long killedAt = System.nanoTime();
            String downStory = chaos + ", gateway kept down";
            for (Job job : awaitAll(daemon, second)) {
                assertThat(endedAsItMay(daemon, job, want, downStory)).as(downStory + ": " + job + " succeeded")
                        .isFalse();
                unfinished.add(job);
            }
            long failedInMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            System.out.println("GatewayRestartIT: with the gateway down, every restore failed in " + failedInMillis
                    + " ms");
            assertThat(failedInMillis).as(downStory + ": failed in bounded time")
                    .isLessThan(2_000L * SOURCE_READ_TIMEOUT_SECONDS);
            daemon.awaitBudgetReturned();
            daemon.awaitNoRestoreThreads(downStory);
            gateway("rgw-start", cluster);
            gatewayDown = false;
            phase(start, "round 2");

            // 3. every target that did not finish restores now, over its mark
            List<Job> again = new ArrayList<>();
            for (Job job : unfinished) {
                again.add(submitOne(daemon, records.get(job.store()), job.store(), job.target()));
            }
            for (Job job : awaitAll(daemon, again)) {
                assertSucceeded(daemon, job, want, chaos + ", again");
            }
            sampler.stop();
            phase(start, "round 3");

            assertThat(sampler.violations()).as(chaos + ": budget samples over the total").isEmpty();
            System.out.println("GatewayRestartIT: " + sampler.summary());
            daemon.awaitBudgetReturned();
            daemon.awaitNoRestoreThreads(chaos);
            List<String> threadsAfter = daemon.threadNames();
            Map<String, Integer> warm = byName(threadsWarm);
            Map<String, Integer> end = byName(threadsAfter);
            System.out.println("GatewayRestartIT: threads " + threadsWarm.size() + " after the undisturbed round, "
                    + threadsAfter.size() + " at the end; " + warm + " -> " + end);
            end.forEach((name, count) -> {
                if (!ELASTIC_POOLS.contains(name)) {
                    assertThat(count).as(chaos + ": threads named " + name + " after the gateway died twice, "
                            + warm + " before: " + end).isLessThanOrEqualTo(warm.getOrDefault(name,
                            LAZY_SINGLE_THREADS.contains(name) ? 1 : 0));
                }
            });
            assertThat(daemon.log()).as(chaos).doesNotContain("\tat ");
        } finally {
            if (sampler != null) {
                sampler.stop();
            }
            if (gatewayDown) {
                gateway("rgw-start", cluster);
            }
            daemon.close();
        }
    }

    private static void phase(long start, String what) {
        System.out.println("GatewayRestartIT: " + what + " done at " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                - start) / 1000.0 + " s");
    }

    /** How many threads of each name, digits left out. */
    private static Map<String, Integer> byName(List<String> threads) {
        Map<String, Integer> names = new TreeMap<>();
        threads.forEach(name -> names.merge(name.replaceAll("[0-9]+", "#"), 1, Integer::sum));
        return names;
    }

    /** PER_STORE restores from each store, into new files named after {@code round}. */
    private static List<Job> submit(DaemonProcess daemon, Map<String, Path> records, Path allowed, String round)
            throws Exception {
        return submit(daemon, records, allowed, round, PER_STORE);
    }

    /** {@code perStore} restores from each store, into new files named after {@code round}. */
    private static List<Job> submit(DaemonProcess daemon, Map<String, Path> records, Path allowed, String round,
                                    int perStore) throws Exception {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < perStore; i++) {
            for (Map.Entry<String, Path> store : records.entrySet()) {
                jobs.add(submitOne(daemon, store.getValue(), store.getKey(),
                        allowed.resolve(round + "-" + store.getKey() + "-" + i + ".img")));
            }
        }
        return jobs;
    }

    private static Job submitOne(DaemonProcess daemon, Path record, String store, Path target) throws Exception {
        DaemonProcess.Answer answer = daemon.call("POST", "/v1/restores", "{\"store\": \"" + store
                + "\", \"cinder_record\": \"" + record + "\", \"to\": \"" + target + "\"}");
        assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(202);
        return new Job(answer.body().get("id").asText(), store, target);
    }

    /** Waits until a restore of each store is reading: running, with bytes in place. */
    private static void awaitReading(DaemonProcess daemon, List<Job> jobs, String chaos) throws Exception {
        Map<String, String> stores = new LinkedHashMap<>();
        jobs.forEach(job -> stores.put(job.id(), job.store()));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            boolean s3 = false;
            boolean swift = false;
            JsonNode list = daemon.call("GET", "/v1/restores", null).body();
            for (JsonNode view : list.get("restores")) {
                String store = stores.get(view.get("id").asText());
                if (store == null) {
                    continue;
                }
                assertThat(view.get("state").asText()).as(chaos + ": before the gateway dies: " + view)
                        .isIn("QUEUED", "RUNNING", "SUCCEEDED");
                boolean reading = view.get("state").asText().equals("RUNNING") && view.get("bytes_done").asLong() > 0;
                s3 |= reading && store.equals("s3");
                swift |= reading && store.equals("swift");
            }
            if (s3 && swift) {
                return;
            }
            assertThat(System.nanoTime()).as(chaos + ": restores from both stores reading in time: " + list)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** {@code jobs}, once each has ended (the story is printed before, for a failure's reader). */
    private static List<Job> awaitAll(DaemonProcess daemon, List<Job> jobs) throws Exception {
        for (Job job : jobs) {
            daemon.awaitFinished(job.id());
        }
        return jobs;
    }

    private static void assertSucceeded(DaemonProcess daemon, Job job, String want, String story) throws Exception {
        JsonNode view = daemon.call("GET", "/v1/restores/" + job.id(), null).body();
        assertThat(view.get("state").asText()).as(story + ": " + view).isEqualTo("SUCCEEDED");
        assertThat(TestSupport.sha256(job.target())).as(story + ": " + job).isEqualTo(want);
        assertThat(new XattrMarker(job.target()).get()).as(story + ": mark of " + job).isEmpty();
    }

    /**
     * The end a restore may have when the gateway died under it: SUCCEEDED byte-exact without a mark (true), or
     * FAILED in one sentence that is no internal error, its target, if it was made, marked incomplete (false).
     */
    private static boolean endedAsItMay(DaemonProcess daemon, Job job, String want, String story) throws Exception {
        JsonNode view = daemon.call("GET", "/v1/restores/" + job.id(), null).body();
        if (view.get("state").asText().equals("SUCCEEDED")) {
            assertSucceeded(daemon, job, want, story);
            return true;
        }
        assertThat(view.get("state").asText()).as(story + ": " + view).isEqualTo("FAILED");
        System.out.println("GatewayRestartIT: " + job.store() + " restore failed: " + view.get("error").asText());
        assertThat(view.get("error_kind").asText()).as(story + ": " + view).isNotEqualTo("INTERNAL");
        assertThat(view.get("error").asText()).as(story + ": one sentence: " + view).isNotBlank()
                .doesNotContain("\n").doesNotContain("\tat ");
        if (Files.exists(job.target())) {
            assertThat(new XattrMarker(job.target()).get()).as(story + ": mark of " + view).isPresent();
        }
        return false;
    }

    /** {@code scripts/ceph-cluster.sh COMMAND DIR}: rgw-kill or rgw-start. */
    private static void gateway(String command, Path cluster) throws Exception {
        Process process = new ProcessBuilder("bash", DaemonProcess.HOME.resolve("scripts/ceph-cluster.sh").toString(),
                command, cluster.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("ceph-cluster.sh " + command).isTrue();
        assertThat(process.exitValue()).as("ceph-cluster.sh " + command + ": " + out).isZero();
    }
}
