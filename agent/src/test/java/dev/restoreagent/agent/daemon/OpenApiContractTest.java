package dev.restoreagent.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.Curl;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The daemon's answers against {@code docs/openapi.yaml}: a daemon in this process, called on its socket
 * with curl, each answer checked against the operation it answers. Its status must be one the document
 * lists for that operation, its content type the documented one, the documented headers present, and a
 * JSON body valid against the documented schema, read closed (see {@link OpenApiDoc}).
 */
class OpenApiContractTest {
    private static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath()
            .normalize();
    private static final String RESTORES = "/v1/restores";
    private static final String RESTORE = "/v1/restores/{id}";

    private static OpenApiDoc api;

    @TempDir
    Path dir;
    private Agent agent;

    @BeforeAll
    static void readTheDocument() throws IOException {
        api = OpenApiDoc.load(HOME.resolve("docs/openapi.yaml"));
    }

    private void start(String... extraConfig) throws Exception {
        Path conf = Files.writeString(dir.resolve("agent.conf"), String.join("\n",
                "socket = " + socket(), "state_dir = " + dir.resolve("state"), "allowed_paths = " + allowed(),
                "allowed_groups =", String.join("\n", extraConfig), ""));
        agent = Agent.start(AgentConfig.load(conf), "0.1.0");
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private Path socket() {
        return dir.resolve("agent.sock");
    }

    private Path allowed() throws IOException {
        return Files.createDirectories(dir.resolve("allowed"));
    }

    /** {@code METHOD path}, whose answer must be what the document says of operation {@code METHOD template}. */
    private Curl.Answer call(String method, String template, String path, String body, String... prefix)
            throws Exception {
        Curl.Answer answer = Curl.call(socket(), method, path, body, prefix);
        assertDocumented(method, template, answer);
        return answer;
    }

    private static void assertDocumented(String method, String template, Curl.Answer answer) {
        String what = method + " " + template + " answered " + answer.status() + " " + answer.body();
        String response = api.response(method, template, answer.status());
        assertThat(response).as(what + "; documented: " + api.statuses(method, template)).isNotNull();
        JsonNode content = api.at(response + "/content");
        assertThat(content.size()).as("media types of " + response).isEqualTo(1);
        String mediaType = content.fieldNames().next();
        assertThat(answer.header("content-type")).as(what).isEqualTo(mediaType);
        api.at(response + "/headers").fieldNames().forEachRemaining(header ->
                assertThat(answer.header(header)).as(what + ": header " + header).isNotNull());
        if (mediaType.equals("application/json")) {
            assertThat(answer.json()).as(what).isNotNull();
            assertThat(api.validate(response, mediaType, answer.json())).as(what).isEmpty();
        }
    }

    private static String imageRequest(Path image, Path to, String extra) {
        return "{\"image\": \"" + image + "\", \"image_format\": \"raw\", \"to\": \"" + to + "\"" + extra + "}";
    }

    /** Polls the job, every answer checked, until {@code until} holds. */
    private JsonNode awaitJob(String id, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            JsonNode job = call("GET", RESTORE, RESTORES + "/" + id, null).json();
            if (until.test(job)) {
                return job;
            }
            assertThat(System.nanoTime()).as("job " + id + " in time: " + job).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static boolean finished(JsonNode job) {
        return job.get("finished_at").isTextual();
    }

    @Test
    void aRestoreFromSubmissionToItsEndIsAnsweredAsDocumented() throws Exception {
        start();
        Path image = allowed().resolve("disk.img");
        Volumes.write(image, (3L << 20) + 512, 7, VolumeShape.DISK_LIKE);
        String request = imageRequest(image, allowed().resolve("restored.img"), ", \"idempotency_key\": \"k-1\"");

        Curl.Answer submitted = call("POST", RESTORES, RESTORES, request);

        assertThat(submitted.status()).isEqualTo(202);
        String id = submitted.json().get("id").asText();
        JsonNode done = awaitJob(id, OpenApiContractTest::finished);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(call("POST", RESTORES, RESTORES, request).status()).as("the same idempotency key").isEqualTo(200);
        assertThat(call("GET", RESTORES, RESTORES, null).json().get("restores")).hasSize(1);
        assertThat(call("DELETE", RESTORE, RESTORES + "/" + id, null).status()).as("cancel once finished")
                .isEqualTo(409);
        assertThat(call("GET", "/v1/budget", "/v1/budget", null).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/health", "/v1/health", null).status()).isEqualTo(200);
        assertThat(call("GET", "/metrics", "/metrics", null).status()).isEqualTo(200);
    }

    @Test
    void runningAndQueuedRestoresAreAnsweredAsDocumentedUntilTheyAreCancelled() throws Exception {
        // a raw image restore's working set is 8 buffers of 4 MiB and an input buffer: one fits, not two
        start("memory_budget = 48MiB");
        // a stream that stalls after 1 MiB keeps the job running, holding budget, until it is cancelled
        Path fifo = allowed().resolve("stream.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        CountDownLatch release = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try (var out = Files.newOutputStream(fifo)) {
                out.write(new byte[1 << 20]);
                out.flush();
                release.await();
            } catch (IOException | InterruptedException e) {
                // the reader went away: the job was cancelled
            }
        });
        writer.start();
        try {
            Path target = allowed().resolve("cancelled.img");
            String id = call("POST", RESTORES, RESTORES, imageRequest(fifo, target, "")).json().get("id").asText();
            // admitted: it holds its memory from the budget, and reads
            awaitJob(id, job -> job.get("admitted_at").isTextual());

            assertThat(call("POST", RESTORES, RESTORES, imageRequest(fifo, target, "")).status())
                    .as("a second job for the same target").isEqualTo(409);
            Path image = allowed().resolve("disk.img");
            Volumes.write(image, 1L << 20, 8, VolumeShape.DISK_LIKE);
            String waiting = call("POST", RESTORES, RESTORES, imageRequest(image, allowed().resolve("waits.img"), ""))
                    .json().get("id").asText();
            assertThat(awaitJob(waiting, job -> job.get("queue_position").isInt()).get("queue_position").asInt())
                    .isEqualTo(1);

            JsonNode budget = call("GET", "/v1/budget", "/v1/budget", null).json();
            assertThat(budget.get("jobs")).hasSize(1);
            assertThat(budget.get("waiting").asInt()).isEqualTo(1);
            JsonNode health = call("GET", "/v1/health", "/v1/health", null).json();
            assertThat(health.get("jobs_running").asInt()).isEqualTo(1);
            assertThat(health.get("jobs_queued").asInt()).isEqualTo(1);
            assertThat(call("GET", RESTORES, RESTORES, null).json().get("restores")).hasSize(2);
            for (String job : List.of(waiting, id)) {
                assertThat(call("DELETE", RESTORE, RESTORES + "/" + job, null).status()).isEqualTo(202);
                JsonNode cancelled = awaitJob(job, OpenApiContractTest::finished);
                assertThat(cancelled.get("state").asText()).as(cancelled.toString()).isEqualTo("CANCELLED");
            }
        } finally {
            release.countDown();
            writer.join(60_000);
        }
    }

    @Test
    void refusedRequestsAreAnsweredAsDocumented() throws Exception {
        start();
        Path image = allowed().resolve("i.img");

        assertThat(call("GET", RESTORE, RESTORES + "/nope", null).status()).isEqualTo(404);
        assertThat(call("DELETE", RESTORE, RESTORES + "/nope", null).status()).isEqualTo(404);
        assertThat(call("POST", RESTORES, RESTORES, "{not json").status()).isEqualTo(400);
        Curl.Answer unknownField = call("POST", RESTORES, RESTORES, "{\"to\": \"/x\", \"colour\": \"red\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().get("field").asText()).isEqualTo("colour");
        assertThat(call("POST", RESTORES, RESTORES, "{\"to\": \"" + allowed().resolve("o.img") + "\"}").status())
                .as("no source").isEqualTo(400);
        assertThat(call("POST", RESTORES, RESTORES, imageRequest(image, Path.of("/etc/shadow"), "")).status())
                .as("a target outside allowed_paths").isEqualTo(400);
        assertThat(call("POST", RESTORES, RESTORES, "{\"to\": \"" + "x".repeat(ControlServer.MAX_BODY_BYTES) + "\"}")
                .status()).isEqualTo(413);
    }

    @Test
    void aCallerTheDaemonRefusesIsAnsweredAsDocumented() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "calling as nobody needs root");
        // nobody can reach the socket (its group is nobody's primary group) but is not an allowed caller
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        start("socket_group = nogroup");

        Curl.Answer refused = call("GET", RESTORES, RESTORES, null, "setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups");

        assertThat(refused.status()).isEqualTo(403);
    }
}
