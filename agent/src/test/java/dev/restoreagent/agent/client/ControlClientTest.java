package dev.restoreagent.agent.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.api.JobState;
import dev.restoreagent.api.JobView;
import dev.restoreagent.api.RestoreRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ControlClient} against {@link FakeAgent}: the calls, the answers, and the failures. */
class ControlClientTest {
    @TempDir
    Path dir;

    private FakeAgent agent;
    private ControlClient client;

    @BeforeEach
    void start() throws Exception {
        agent = new FakeAgent(dir.resolve("agent.sock"));
        client = new ControlClient(agent.socket);
    }

    @AfterEach
    void stop() {
        client.close();
        agent.close();
    }

    @Test
    void submitPostsTheRequestAsSnakeCaseJsonWithoutNulls() throws Exception {
        agent.on("POST", "/v1/restores", 202, FakeAgent.job("j-1", "QUEUED").toString());

        ControlClient.Submission submission = client.submit(new RestoreRequest(null, null, null, null,
                "/srv/disk.img", "auto", "rbd:volumes/vm-1", true, "20GiB", null, null, "key-1", null, null, null, null, null));

        assertThat(submission.created()).isTrue();
        assertThat(submission.job().path("id").asText()).isEqualTo("j-1");
        FakeAgent.Request sent = agent.requests.get(0);
        assertThat(sent.method()).isEqualTo("POST");
        JsonNode body = FakeAgent.JSON.readTree(sent.body());
        assertThat(body.path("image").asText()).isEqualTo("/srv/disk.img");
        assertThat(body.path("to").asText()).isEqualTo("rbd:volumes/vm-1");
        assertThat(body.path("create").asBoolean()).isTrue();
        assertThat(body.path("size").asText()).isEqualTo("20GiB");
        assertThat(body.path("idempotency_key").asText()).isEqualTo("key-1");
        assertThat(body.has("backup_root")).isFalse();
        assertThat(body.has("backup_id")).isFalse();
    }

    @Test
    void submitWithAKnownIdempotencyKeyIsNotCreated() throws Exception {
        agent.on("POST", "/v1/restores", 200, FakeAgent.job("j-1", "RUNNING").toString());

        ControlClient.Submission submission = client.submit(new RestoreRequest(null, null, null, null,
                "/srv/disk.img", null, "/dev/sdb", null, null, null, null, "key-1", null, null, null, null, null));

        assertThat(submission.created()).isFalse();
    }

    @Test
    void readsJobsBudgetHealthAndMetrics() throws Exception {
        agent.on("GET", "/v1/restores", 200, "{\"restores\": [" + FakeAgent.job("j-2", "RUNNING") + ", "
                        + FakeAgent.job("j-1", "SUCCEEDED") + "]}")
                .on("GET", "/v1/restores/j-1", 200, FakeAgent.job("j-1", "SUCCEEDED").toString())
                .on("GET", "/v1/budget", 200, "{\"total_bytes\": 268435456, \"in_use_bytes\": 0,"
                        + " \"available_bytes\": 268435456, \"waiting\": 0, \"jobs\": []}")
                .on("GET", "/v1/health", 200, "{\"status\": \"ok\", \"version\": \"0.1.0\", \"jobs_running\": 1,"
                        + " \"jobs_queued\": 0}")
                .on("GET", "/metrics", 200, "restore_jobs_running 1\n");

        assertThat(client.list().path("restores")).extracting(job -> job.path("id").asText())
                .containsExactly("j-2", "j-1");
        assertThat(client.job("j-1").path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(client.budget().path("total_bytes").asLong()).isEqualTo(256L << 20);
        assertThat(client.health().path("status").asText()).isEqualTo("ok");
        assertThat(client.metrics()).isEqualTo("restore_jobs_running 1\n");
    }

    @Test
    void cancelSendsDelete() throws Exception {
        agent.on("DELETE", "/v1/restores/j-1", 202, FakeAgent.job("j-1", "RUNNING").toString());

        assertThat(client.cancel("j-1").path("id").asText()).isEqualTo("j-1");
        assertThat(agent.requests).extracting(FakeAgent.Request::method).containsExactly("DELETE");
    }

    @Test
    void anIdIsOnePathSegment() throws Exception {
        assertThatThrownBy(() -> client.job("../budget x")).isInstanceOf(ControlClientException.class);

        assertThat(agent.requests.get(0).uri()).isEqualTo("/v1/restores/..%2Fbudget%20x");
    }

    @Test
    void anErrorStatusCarriesTheDaemonsMessageAndField() {
        agent.on("GET", "/v1/restores/nope", 404, "{\"error\": \"no restore job nope\", \"status\": 404}")
                .on("POST", "/v1/restores", 400, "{\"error\": \"backup_root is required with backup_id\","
                        + " \"status\": 400, \"field\": \"backup_root\"}");

        assertThatThrownBy(() -> client.job("nope")).isInstanceOfSatisfying(ControlClientException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.getMessage()).isEqualTo("no restore job nope");
            assertThat(e.field()).isNull();
        });
        assertThatThrownBy(() -> client.submit(new RestoreRequest(null, "b-1", null, null, null, null, "/dev/sdb",
                null, null, null, null, null, null, null, null, null, null))).isInstanceOfSatisfying(ControlClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("backup_root is required with backup_id");
                    assertThat(e.field()).isEqualTo("backup_root");
                });
    }

    @Test
    void anErrorWithoutTheErrorShapeNamesTheStatus() {
        agent.on("GET", "/v1/budget", 500, "oops");

        assertThatThrownBy(() -> client.budget()).isInstanceOf(ControlClientException.class)
                .hasMessage("the daemon answered 500 Internal Server Error");
    }

    @Test
    void malformedJsonInASuccessIsAPlainIoException() {
        agent.on("GET", "/v1/budget", 200, "{not json");

        assertThatThrownBy(() -> client.budget()).isNotInstanceOfAny(ControlClientException.class,
                AgentUnreachableException.class).hasMessageContaining("answered with malformed JSON");
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsUnreachable() {
        agent.on("GET", "/v1/health", new FakeAgent.Answer(0, ""));

        assertThatThrownBy(() -> client.health()).isInstanceOf(AgentUnreachableException.class)
                .hasMessage("cannot reach restore-agent at " + agent.socket
                        + ": the daemon closed the connection without answering");
    }

    @Test
    void aMissingSocketIsUnreachable() {
        Path missing = dir.resolve("missing.sock");
        try (ControlClient other = new ControlClient(missing)) {
            assertThatThrownBy(other::health).isInstanceOf(AgentUnreachableException.class)
                    .hasMessage("cannot reach restore-agent at " + missing + ": no such socket");
        }
    }

    @Test
    void aSocketNobodyListensOnIsUnreachable() throws Exception {
        Path stale = Files.createFile(dir.resolve("stale.sock"));
        try (ControlClient other = new ControlClient(stale)) {
            assertThatThrownBy(other::health).isInstanceOf(AgentUnreachableException.class)
                    .hasMessage("cannot reach restore-agent at " + stale + ": Connection refused");
        }
    }

    @Test
    void jobInfoReadsTheJobJson() throws Exception {
        JsonNode json = FakeAgent.job("j-1", "FAILED").put("error", "md5 mismatch in object 3")
                .put("error_kind", "VERIFICATION").put("some_later_field", 1);

        JobView job = JobView.parse(json);

        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.errorKind()).isEqualTo(FailureKind.VERIFICATION);
        assertThat(job.isFinished()).isTrue();
        assertThat(job.bytesTotal()).isEqualTo(4L << 20);
        assertThat(job.percentDone()).hasValue(25);
        assertThat(job.queuePosition()).isNull();
    }
}
