package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.io.targets.XattrMarker;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderDriver;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos under load (issue 23): 41 restores of backups Cinder's own posix driver wrote (40 of a small chain, one
 * in the middle of a larger full backup), through one daemon ({@code bin/restore-agent serve}) that is killed with SIGKILL
 * three times at moments a seeded {@link Random} picks (the seed is printed; {@code -Dchaos.seed=N} runs the same
 * moments again): once after a random number of jobs have succeeded, once a random time into the start that
 * followed (its JVM start, its warm-up, its journal's resumes), once more when the large job is past a checkpoint
 * inside its layer, others running beside it. Each time it is started again, and its journal resumes the
 * jobs; the large one from that checkpoint. In the end every job SUCCEEDED, every target (36 files, 5 RBD images
 * it creates) holds its volume byte for byte and no incomplete mark; the budget, sampled all along, never showed
 * more in use than it has, nor the allocator more direct memory; and once all ended nothing is held, and no job
 * left a thread.
 */
@Tag("ceph")
class DaemonChaosIT {
    private static final long MIB = 1 << 20;
    private static final int JOBS = 41;
    private static final int IMAGES = 5;
    /** Which job restores the larger backup: one in the middle, which runs beside others. */
    private static final int LARGE_JOB = 20;

    /** Kept when the test fails: the daemon's log (daemon/daemon.log) is what tells why. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void fortyOneRestoresSurviveThreeKillsAtRandomMomentsByteExactWithinTheBudget() throws Exception {
        CinderOwnDriverTest.requireCinder();
        Path cephConf = CephTestCluster.conf();
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        String chaos = "chaos seed " + seed + " (-Dchaos.seed=" + seed + " repeats it)";
        System.out.println("DaemonChaosIT: " + chaos);

        DaemonProcess daemon = new DaemonProcess(Files.createDirectories(dir.resolve("daemon")));
        Path allowed = daemon.allowed();
        // a full (bz2) and an increment (zlib) in 512 KiB objects, data in most of the volume: checkpoints come
        // about once a second inside each layer, and a resumed job crosses a layer boundary or starts mid-layer
        Path v0 = allowed.resolve("v0");
        Path v1 = allowed.resolve("v1");
        Volumes.write(v0, 6 * MIB + 64 * 1024, 231, new VolumeShape(0.1, 0.5, 256 * 1024));
        Volumes.mutate(v0, v1, 232, 24);
        CinderDriver cinder = CinderDriver.posix(allowed.resolve("backups"), dir.resolve("cinder"));
        String volumeId = UUID.randomUUID().toString();
        String fullId = UUID.randomUUID().toString();
        String incId = UUID.randomUUID().toString();
        cinder.backup(new CinderDriver.BackupSpec(v0, fullId, volumeId, null, "bz2", MIB / 2, null, null),
                dir.resolve("full.json"));
        cinder.backup(new CinderDriver.BackupSpec(v1, incId, volumeId, fullId, "zlib", MIB / 2, null, null),
                dir.resolve("inc.json"));
        String wantChain = TestSupport.sha256(v1);
        // and one job restores a larger full backup (64 objects): it runs for seconds, long enough to be seen past a
        // checkpoint inside its layer, where the third kill comes
        Path large = allowed.resolve("large");
        Volumes.write(large, 32 * MIB, 233, new VolumeShape(0.1, 0.5, 256 * 1024));
        String largeId = UUID.randomUUID().toString();
        cinder.backup(new CinderDriver.BackupSpec(large, largeId, UUID.randomUUID().toString(), null, "bz2", MIB / 2,
                null, null), dir.resolve("large.json"));
        String wantLarge = TestSupport.sha256(large);

        // a small budget: some restores run at a time, the others wait in its queue (and are journaled there);
        // the Java decoders (bz2 in commons-compress), slower than libbz2: a restore takes seconds, checkpoints
        // within its layers come before its end
        String config = String.join("\n", "memory_budget = 48MiB", "buffer_size = 1MiB", "queue_depth = 4",
                "decoders = 1", "ceph_conf = " + cephConf);
        String javaOpts = "-Drestore.agent.decoders=java";
        Map<String, String> targets = new LinkedHashMap<>();
        String largeJob = null;
        List<String> images = new ArrayList<>();
        BudgetSampler sampler = null;
        try {
            daemon.start(config, javaOpts);
            for (int i = 0; i < JOBS; i++) {
                boolean rbd = i % (JOBS / IMAGES) == 3 && images.size() < IMAGES;
                String to;
                if (rbd) {
                    String image = CephTestCluster.uniqueImageName("chaos");
                    images.add(image);
                    to = "rbd:rbd/" + image;
                } else {
                    to = allowed.resolve("restored-" + i + ".img").toString();
                }
                boolean isLarge = i == LARGE_JOB;
                DaemonProcess.Answer submitted = daemon.call("POST", "/v1/restores", "{\"backup_root\": \""
                        + cinder.backupPath() + "\", \"backup_id\": \"" + (isLarge ? largeId : incId) + "\", \"to\": \""
                        + to + "\"" + (rbd ? ", \"create\": true" : "") + "}");
                assertThat(submitted.status()).as(String.valueOf(submitted.body())).isEqualTo(202);
                targets.put(submitted.body().get("id").asText(), to);
                if (isLarge) {
                    largeJob = submitted.body().get("id").asText();
                }
            }
            sampler = BudgetSampler.start(daemon);

            List<String> kills = new ArrayList<>();
            int first = 2 + random.nextInt(10);
            awaitSucceeded(daemon, first, chaos);
            Thread.sleep(random.nextInt(400));
            kills.add(kill(daemon, "after " + first + " jobs succeeded"));

            daemon.launch(config, javaOpts);
            long intoStart = random.nextInt(5000);
            Thread.sleep(intoStart);
            kills.add(kill(daemon, intoStart + " ms into the start after that"));

            daemon.start(config, javaOpts);
            int objects = 1 + random.nextInt(8);
            awaitCheckpointInsideALayer(daemon, largeJob, objects, chaos);
            kills.add(kill(daemon, "once the large job was past a checkpoint of " + objects + " objects or more"));

            daemon.start(config, javaOpts);
            String story = chaos + ", killed " + String.join("; ", kills);
            System.out.println("DaemonChaosIT: " + story);
            List<JsonNode> done = new ArrayList<>();
            for (String id : targets.keySet()) {
                done.add(daemon.awaitFinished(id));
            }
            sampler.stop();

            int resumed = 0;
            int resumedMidway = 0;
            for (JsonNode job : done) {
                assertThat(job.get("state").asText()).as(story + ": " + job).isEqualTo("SUCCEEDED");
                if (job.get("id").asText().equals(largeJob)) {
                    assertThat(job.get("resumed_from").get("objects").asInt()).as(story + ": the large job resumed"
                            + " from its checkpoint, not its start: " + job).isPositive();
                }
                JsonNode from = job.get("resumed_from");
                if (from != null && !from.isNull()) {
                    resumed++;
                    if (from.get("layer").asInt() > 0 || from.get("objects").asInt() > 0) {
                        resumedMidway++;
                    }
                }
            }
            System.out.println("DaemonChaosIT: " + resumed + " jobs resumed, " + resumedMidway
                    + " of them from a checkpoint past the start; " + sampler.summary());
            assertThat(resumed).as(story + ": jobs resumed after the kills").isPositive();
            for (Map.Entry<String, String> target : targets.entrySet()) {
                String to = target.getValue();
                String want = target.getKey().equals(largeJob) ? wantLarge : wantChain;
                if (to.startsWith("rbd:")) {
                    String image = to.substring("rbd:".length());
                    assertThat(sha256OfImage(cephConf, image)).as(story + ": " + to).isEqualTo(want);
                    assertThat(run("rbd", "-c", cephConf.toString(), "image-meta", "list", image))
                            .as(story + ": metadata of " + to).doesNotContain("restore-agent.incomplete");
                } else {
                    assertThat(TestSupport.sha256(Path.of(to))).as(story + ": " + to).isEqualTo(want);
                    assertThat(new XattrMarker(Path.of(to)).get()).as(story + ": mark of " + to).isEmpty();
                }
            }

            assertThat(sampler.violations()).as(story + ": budget samples over the total").isEmpty();
            assertThat(sampler.samples()).as(story + ": budget samples taken").isGreaterThanOrEqualTo(10);
            assertThat(sampler.highestInUse()).as(story + ": the budget was in use while sampled").isPositive();
            daemon.awaitBudgetReturned();
            daemon.awaitNoRestoreThreads(story);
            String log = daemon.log();
            assertThat(log).as(story).contains("resuming job").doesNotContain("\tat ");
        } finally {
            if (sampler != null) {
                sampler.stop();
            }
            daemon.close();
            for (String image : images) {
                run("rbd", "-c", cephConf.toString(), "rm", "--no-progress", "rbd/" + image);
            }
        }
    }

    /** SIGKILLs the daemon, having seen that some job had not finished; says when. */
    private static String kill(DaemonProcess daemon, String when) throws Exception {
        DaemonProcess.Answer list = daemon.call("GET", "/v1/restores", null);
        String seen = "";
        if (list.status() == 200) {
            Map<String, Integer> states = states(list.body());
            seen = " (" + states + ")";
            assertThat(states.getOrDefault("SUCCEEDED", 0)).as("jobs left to kill the daemon under" + seen)
                    .isLessThan(JOBS);
        }
        daemon.kill();
        return when + seen;
    }

    private static Map<String, Integer> states(JsonNode list) {
        Map<String, Integer> states = new java.util.TreeMap<>();
        for (JsonNode job : list.get("restores")) {
            states.merge(job.get("state").asText(), 1, Integer::sum);
        }
        return states;
    }

    /** Waits until at least {@code count} jobs have succeeded; fails on any that ended otherwise. */
    private static void awaitSucceeded(DaemonProcess daemon, int count, String chaos) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            JsonNode list = daemon.call("GET", "/v1/restores", null).body();
            int succeeded = 0;
            for (JsonNode job : list.get("restores")) {
                String state = job.get("state").asText();
                assertThat(state).as(chaos + ": " + job).isNotIn("FAILED", "CANCELLED");
                succeeded += state.equals("SUCCEEDED") ? 1 : 0;
            }
            if (succeeded >= count) {
                return;
            }
            assertThat(System.nanoTime()).as(chaos + ": " + count + " jobs succeeded in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /**
     * Waits until job {@code id}, running, has a checkpoint inside its layer at {@code objects} or more: the kill
     * that follows leaves it to resume from there. (A checkpoint at a layer's end may be the last layer's, a moment
     * before the job succeeds.)
     */
    private static void awaitCheckpointInsideALayer(DaemonProcess daemon, String id, int objects, String chaos)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            JsonNode job = daemon.call("GET", "/v1/restores/" + id, null).body();
            JsonNode checkpoint = job.get("checkpoint");
            if (checkpoint != null && !checkpoint.isNull() && checkpoint.get("objects").asInt() >= objects) {
                assertThat(job.get("state").asText()).as(chaos + ": " + job).isEqualTo("RUNNING");
                return;
            }
            assertThat(job.get("state").asText()).as(chaos + ": " + job).isIn("QUEUED", "RUNNING");
            assertThat(System.nanoTime()).as(chaos + ": job " + id + " past a checkpoint in time: " + job)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String sha256OfImage(Path conf, String image) throws Exception {
        return run("bash", "-c", "rbd -c " + conf + " export --no-progress " + image + " - | sha256sum").split(" ")[0];
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return out.strip();
    }
}
