package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.RadosGateway;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon end to end: {@code bin/restore-agent serve} in a process of its own, driven over its
 * real Unix socket with curl (an HTTP client that is not ours).
 */
class DaemonIT {
    private static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Process daemon;

    private record Answer(int status, JsonNode body) {
    }

    private Path allowed() throws IOException {
        return Files.createDirectories(dir.resolve("allowed"));
    }

    private Path socket() {
        return dir.resolve("agent.sock");
    }

    private void start(String extraConfig) throws Exception {
        start(extraConfig, "");
    }

    /** @param javaOpts JVM options for the daemon, through the launcher's JAVA_OPTS */
    private void start(String extraConfig, String javaOpts) throws Exception {
        Path conf = dir.resolve("agent.conf");
        Files.writeString(conf, String.join("\n", "socket = " + socket(), "state_dir = " + dir.resolve("state"),
                "allowed_paths = " + allowed(), "allowed_groups =", extraConfig, ""));
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "exec " + HOME.resolve("bin/restore-agent")
                + " serve --config " + conf);
        builder.environment().put("JAVA_OPTS", javaOpts);
        daemon = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                dir.resolve("daemon.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(socket()) && call("GET", "/v1/health", null).status() == 200)) {
            assertThat(daemon.isAlive()).as("daemon alive: " + log()).isTrue();
            assertThat(System.nanoTime()).as("daemon up in time").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private String log() throws IOException {
        Path log = dir.resolve("daemon.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroy();
            assertThat(daemon.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(daemon.exitValue()).as("exit code after SIGTERM").isZero();
        }
    }

    private Answer call(String method, String path, String body, String... prefix) throws Exception {
        Curl.Answer answer = Curl.call(socket(), method, path, body, prefix);
        return new Answer(answer.status(), answer.json());
    }

    private CinderBackup backup(String compression, long bytes, long seed) throws IOException {
        return backup(compression, bytes, seed, VolumeShape.DISK_LIKE);
    }

    private CinderBackup backup(String compression, long bytes, long seed, VolumeShape shape) throws IOException {
        Path volume = allowed().resolve("volume-" + seed);
        Volumes.write(volume, bytes, seed, shape);
        return CinderBackupWriter.builder(allowed().resolve("backups")).chunkSizeBytes(1L << 20)
                .compression(compression).write(volume);
    }

    private static String request(CinderBackup backup, String to) {
        return "{\"backup_root\": \"" + backup.backupRoot() + "\", \"backup_id\": \"" + backup.backupId()
                + "\", \"to\": \"" + to + "\"}";
    }

    private JsonNode awaitFinished(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (true) {
            JsonNode job = call("GET", "/v1/restores/" + id, null).body();
            String state = job.get("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job " + id + " finished in time: " + job).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void submitShowListCancelAndRestoreByteExact() throws Exception {
        start("memory_budget = 64MiB");
        CinderBackup backup = backup("zstd", (5L << 20) + 333, 1);
        Path target = allowed().resolve("restored.img");

        Answer submitted = call("POST", "/v1/restores", request(backup, target.toString()));
        assertThat(submitted.status()).as(String.valueOf(submitted.body())).isEqualTo(202);
        String id = submitted.body().get("id").asText();
        JsonNode done = awaitFinished(id);

        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("bytes_done").asLong()).isEqualTo((5L << 20) + 333);
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(allowed().resolve("volume-1")));
        assertThat(call("GET", "/v1/restores", null).body().get("restores")).extracting(j -> j.get("id").asText())
                .contains(id);
        assertThat(call("DELETE", "/v1/restores/" + id, null).status()).isEqualTo(409);
        assertThat(call("GET", "/v1/restores/nope", null).status()).isEqualTo(404);
        assertThat(call("GET", "/metrics", null).status()).isEqualTo(200);
    }

    private record CliRun(int exitCode, String stdout, String stderr) {
    }

    /** {@code bin/restore-agent ARGS} with the test daemon's socket in the environment. */
    private CliRun cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/restore-agent").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("cli.err").toFile())
                .redirectOutput(dir.resolve("cli.out").toFile());
        builder.environment().put("RESTORE_AGENT_SOCKET", socket().toString());
        Process process = builder.start();
        assertThat(process.waitFor(4, TimeUnit.MINUTES)).isTrue();
        return new CliRun(process.exitValue(), Files.readString(dir.resolve("cli.out")),
                Files.readString(dir.resolve("cli.err")));
    }

    @Test
    void theCommandLineClientSubmitsWatchesListsAndCancels() throws Exception {
        start("memory_budget = 64MiB");
        CinderBackup backup = backup("zlib", 3L << 20, 6);
        Path target = allowed().resolve("by-cli.img");

        CliRun submitted = cli("submit", "--backup-root", backup.backupRoot().toString(), "--backup-id",
                backup.backupId(), "--to", target.toString(), "--watch");

        assertThat(submitted.exitCode()).as(submitted.stderr()).isZero();
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(allowed().resolve("volume-6")));
        String id = submitted.stdout().lines().findFirst().orElseThrow().strip();
        CliRun list = cli("list", "--output", "json");
        assertThat(list.exitCode()).isZero();
        assertThat(JSON.readTree(list.stdout()).get("restores")).extracting(j -> j.get("id").asText()).contains(id);
        CliRun show = cli("show", id);
        assertThat(show.exitCode()).isZero();
        assertThat(show.stdout()).contains("SUCCEEDED");
        assertThat(cli("budget").exitCode()).isZero();

        // a stream that stalls after 1 MiB keeps the job running until it is cancelled
        Path fifo = allowed().resolve("stream.fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try (var out = Files.newOutputStream(fifo)) {
                out.write(new byte[1 << 20]);
                out.flush();
                done.await();
            } catch (IOException | InterruptedException e) {
                // the reader went away: the job was cancelled
            }
        });
        writer.start();
        try {
            CliRun running = cli("submit", "--image", fifo.toString(), "--image-format", "raw", "--to",
                    allowed().resolve("cancel-by-cli.img").toString());
            String runningId = running.stdout().strip();
            CliRun cancel = cli("cancel", runningId);
            assertThat(cancel.exitCode()).as(cancel.stderr()).isZero();
            CliRun watched = cli("watch", runningId, "--progress", "plain");
            assertThat(watched.exitCode()).as(watched.stdout() + watched.stderr()).isEqualTo(130);
        } finally {
            done.countDown();
            writer.join(60_000);
        }
        assertThat(cli("show", "no-such-job").exitCode()).isEqualTo(2);
    }

    @Test
    void cancelStopsARunningRestoreAndKeepsItsMark() throws Exception {
        start("memory_budget = 64MiB");
        CinderBackup backup = backup("bz2", 24L << 20, 2);
        Path target = allowed().resolve("cancelled.img");
        String id = call("POST", "/v1/restores", request(backup, target.toString())).body().get("id").asText();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (call("GET", "/v1/restores/" + id, null).body().get("bytes_done").asLong() == 0) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }

        Answer cancel = call("DELETE", "/v1/restores/" + id, null);

        assertThat(cancel.status()).isEqualTo(202);
        JsonNode done = awaitFinished(id);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("CANCELLED");
        assertThat(new dev.restoreagent.io.targets.XattrMarker(target).get()).contains(backup.backupId());
        JsonNode budget = call("GET", "/v1/budget", null).body();
        assertThat(budget.get("in_use_bytes").asLong()).isZero();
    }

    @Test
    void callerWithoutPermissionIsRefused() throws Exception {
        // nobody can connect (the socket's group is its primary group) but is not an allowed caller
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        start("socket_group = nogroup");

        Answer refused = call("GET", "/v1/health", null, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().get("error").asText()).startsWith("uid 65534 may not use restore-agent");
        assertThat(log()).contains("refused caller uid=65534");
        assertThat(call("GET", "/v1/health", null).status()).isEqualTo(200);
    }

    @Test
    void badRequestsGetClearErrorsAndTheDaemonKeepsServing() throws Exception {
        start("");
        Answer malformed = call("POST", "/v1/restores", "{not json");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().get("error").asText()).startsWith("the body is not a valid restore request");

        Answer unknown = call("POST", "/v1/restores", "{\"to\": \"/x\", \"colour\": \"red\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("field").asText()).isEqualTo("colour");

        Answer huge = call("POST", "/v1/restores", "{\"to\": \"" + "x".repeat(200_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);

        Answer outside = call("POST", "/v1/restores", "{\"image\": \"" + allowed().resolve("i.img")
                + "\", \"to\": \"/etc/shadow\"}");
        assertThat(outside.status()).isEqualTo(400);
        assertThat(outside.body().get("field").asText()).isEqualTo("to");
        assertThat(outside.body().get("error").asText()).startsWith("to '/etc/shadow' is outside the directories");

        Answer escape = call("POST", "/v1/restores", "{\"image\": \"" + allowed() + "/../../../etc/passwd\", \"to\": \""
                + allowed().resolve("o.img") + "\"}");
        assertThat(escape.status()).isEqualTo(400);
        assertThat(escape.body().get("field").asText()).isEqualTo("image");

        Answer noSource = call("POST", "/v1/restores", "{\"to\": \"" + allowed().resolve("o.img") + "\"}");
        assertThat(noSource.status()).isEqualTo(400);
        assertThat(call("GET", "/v1/health", null).body().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void fiftyConcurrentSubmissionsUnderASmallBudget() throws Exception {
        start(String.join("\n", "memory_budget = 16MiB", "buffer_size = 256KiB", "queue_depth = 4", "decoders = 1"));
        CinderBackup backup = backup("zlib", (2L << 20) + 77, 3);
        String want = TestSupport.sha256(allowed().resolve("volume-3"));
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<Answer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                String to = allowed().resolve("many-" + i + ".img").toString();
                answers.add(pool.submit(() -> call("POST", "/v1/restores", request(backup, to))));
            }
            List<JsonNode> jobs = new ArrayList<>();
            for (Future<Answer> answer : answers) {
                Answer a = answer.get(2, TimeUnit.MINUTES);
                assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(202);
                jobs.add(awaitFinished(a.body().get("id").asText()));
            }
            for (JsonNode job : jobs) {
                assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
                assertThat(TestSupport.sha256(Path.of(job.get("target").asText()))).isEqualTo(want);
            }
            // admitted by the budget in the order they were taken: by admission, creation never goes back
            jobs.sort(Comparator.comparingLong(j -> j.get("admission_number").asLong()));
            for (int i = 1; i < jobs.size(); i++) {
                assertThat(jobs.get(i).get("created_at").asText()).as("job admitted %d-th", i + 1)
                        .isGreaterThanOrEqualTo(jobs.get(i - 1).get("created_at").asText());
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode budget = call("GET", "/v1/budget", null).body();
        long total = budget.get("total_bytes").asLong();
        assertThat(budget.get("peak_in_use_bytes").asLong()).isPositive().isLessThanOrEqualTo(total);
        assertThat(budget.get("direct_memory_peak_bytes").asLong()).isPositive().isLessThanOrEqualTo(total);
        assertThat(budget.get("direct_memory_used_bytes").asLong()).isZero();
    }

    @Test
    void killedDaemonResumesItsRestoreAfterRestart() throws Exception {
        CinderBackup backup = backup("bz2", 48L << 20, 4, new VolumeShape(0.0, 0.5, 64 * 1024));
        Path target = allowed().resolve("resumed.img");
        killAndResume("", request(backup, target.toString()), target, allowed().resolve("volume-4"));
    }

    @Tag("ceph")
    @Test
    void killedDaemonResumesAnS3RestoreAfterRestart() throws Exception {
        RadosGateway rgw = CephTestCluster.rgw();
        CinderOwnDriverTest.requireCinder();
        Path volume = allowed().resolve("volume-s3");
        Volumes.write(volume, 48L << 20, 5, new VolumeShape(0.0, 0.5, 64 * 1024));
        CinderDriver.Made made = CinderDriver.objectStore("s3", dir.resolve("cinder")).backup(
                new CinderDriver.BackupSpec(volume, UUID.randomUUID().toString(), UUID.randomUUID().toString(), null,
                        "bz2", 1L << 20, null, null), allowed().resolve("s3-record.json"));
        Path credentials = Files.writeString(dir.resolve("s3-credentials"), "[default]\naws_access_key_id = "
                + rgw.s3AccessKey() + "\naws_secret_access_key = " + rgw.s3SecretKey() + "\n");
        String stores = String.join("\n", "store.rgw.type = s3", "store.rgw.endpoint = " + rgw.endpoint(),
                "store.rgw.credentials_file = " + credentials);
        Path target = allowed().resolve("resumed-s3.img");
        killAndResume(stores, "{\"store\": \"rgw\", \"cinder_record\": \"" + made.recordFile()
                + "\", \"to\": \"" + target + "\"}", target, volume);
    }

    /** Kills the daemon with SIGKILL mid-restore, starts it again, and sees the restore end from its checkpoint. */
    private void killAndResume(String extraConfig, String request, Path target, Path expected) throws Exception {
        String config = String.join("\n", "memory_budget = 64MiB", extraConfig);
        // no zero runs, so bz2 takes seconds over it (in Java: libbz2 would be done too soon):
        // checkpoints come once a second, and the daemon must be killed after one, mid-layer, not
        // after the restore has ended
        String slowDecoders = "-Drestore.agent.decoders=java";
        start(config, slowDecoders);
        String id = call("POST", "/v1/restores", request).body().get("id").asText();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        JsonNode checkpoint;
        while ((checkpoint = call("GET", "/v1/restores/" + id, null).body().get("checkpoint")).isNull()
                || checkpoint.get("layer").asInt() == 0 && checkpoint.get("objects").asInt() < 2) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(checkpoint.get("layer").asInt()).as("the restore finished before it could be killed").isZero();

        daemon.destroyForcibly();
        assertThat(daemon.waitFor(1, TimeUnit.MINUTES)).isTrue();
        start(config, slowDecoders);

        JsonNode done = awaitFinished(id);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        // it went on from its durable checkpoint, not from the start: at least where it was seen
        JsonNode resumed = done.get("resumed_from");
        assertThat(resumed.get("layer").asInt() > 0 || resumed.get("objects").asInt() >= 2)
                .as("resumed from %s", resumed).isTrue();
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(expected));
        assertThat(new dev.restoreagent.io.targets.XattrMarker(target).get()).isEmpty();
    }

    @Tag("ceph")
    @Test
    void restoreIntoRbdThroughTheDaemon() throws Exception {
        start("ceph_conf = " + CephTestCluster.conf());
        CinderBackup backup = backup("zstd", 3L << 20, 5);
        String image = CephTestCluster.uniqueImageName("daemon");
        String body = "{\"backup_root\": \"" + backup.backupRoot() + "\", \"backup_id\": \"" + backup.backupId()
                + "\", \"to\": \"rbd:rbd/" + image + "\", \"create\": true}";

        String id = call("POST", "/v1/restores", body).body().get("id").asText();
        JsonNode done = awaitFinished(id);

        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        Process export = new ProcessBuilder("bash", "-c", "rbd -c " + CephTestCluster.conf() + " export rbd/" + image
                + " - 2>/dev/null | sha256sum; rbd -c " + CephTestCluster.conf() + " rm rbd/" + image + " >/dev/null 2>&1")
                .start();
        String sha = new String(export.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0];
        assertThat(sha).isEqualTo(TestSupport.sha256(allowed().resolve("volume-5")));
    }
}
