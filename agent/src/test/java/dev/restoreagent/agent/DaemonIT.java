package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.agent.DaemonProcess.Answer;
import dev.restoreagent.testkit.CephTestCluster;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
    private static final Path HOME = DaemonProcess.HOME;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private DaemonProcess daemon;

    @BeforeEach
    void daemon() {
        daemon = new DaemonProcess(dir);
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    private Path allowed() throws IOException {
        return daemon.allowed();
    }

    private Path socket() {
        return daemon.socket();
    }

    private void start(String extraConfig) throws Exception {
        daemon.start(extraConfig, "");
    }

    private String log() throws IOException {
        return daemon.log();
    }

    private Answer call(String method, String path, String body, String... prefix) throws Exception {
        return daemon.call(method, path, body, prefix);
    }

    private JsonNode awaitFinished(String id) throws Exception {
        return daemon.awaitFinished(id);
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
        daemon.killAndResume("", request(backup, target.toString()), target, allowed().resolve("volume-4"));
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
