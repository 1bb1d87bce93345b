package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.Curl;
import dev.restoreagent.api.ControlTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every submit and cancel leaves a log line naming the caller's uid and pid, accepted or refused; the
 * pid is {@code ?} on the NIO transport, which does not tell it (surefire runs this on both).
 */
class ApiHandlerLogTest {
    private static final Logger API_LOG = Logger.getLogger(ApiHandler.class.getName());

    @TempDir
    Path dir;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Agent agent;
    private Path socket;
    private String caller;
    private final String pid = ControlTransport.selected() == ControlTransport.EPOLL ? "\\d+" : "\\?";

    @BeforeEach
    void start() throws Exception {
        API_LOG.addHandler(capture);
        socket = dir.resolve("agent.sock");
        Path conf = Files.writeString(dir.resolve("agent.conf"), String.join("\n", "socket = " + socket,
                "state_dir = " + dir.resolve("state"), "allowed_paths = " + Files.createDirectories(dir.resolve("ok")),
                "allowed_groups =", ""));
        agent = Agent.start(AgentConfig.load(conf), "test");
        // curl runs as this test's user; its pid is its own
        caller = "uid=" + Files.getAttribute(Path.of("/proc/self"), "unix:uid") + " pid=";
    }

    @AfterEach
    void stop() {
        agent.close();
        API_LOG.removeHandler(capture);
    }

    @Test
    void aSubmitIsLoggedWithTheCallerAndTheJob() throws Exception {
        String id = submitMissingBackup("a.img");

        assertThat(lines).anySatisfy(l -> assertThat(l).matches("INFO submit by " + caller + pid + ": job " + id
                + " \\(new\\) to " + dir.resolve("ok/a.img")));
    }

    @Test
    void aRefusedSubmitIsLoggedWithTheCallerAndWhy() throws Exception {
        Curl.call(socket, "POST", "/v1/restores", "{\"backup_root\": \"/etc\", \"backup_id\": \"x\", \"to\": \"/etc/shadow\"}");

        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("INFO submit by " + caller)
                .contains(" refused (400): "));
    }

    @Test
    void aCancelIsLoggedWithTheCallerWhetherOrNotTheJobCouldBeCancelled() throws Exception {
        String id = submitMissingBackup("b.img");
        awaitFinished(id);

        assertThat(Curl.call(socket, "DELETE", "/v1/restores/" + id, null).status()).isEqualTo(409);
        assertThat(Curl.call(socket, "DELETE", "/v1/restores/nope%0Aforged", null).status()).isEqualTo(404);

        assertThat(lines).anySatisfy(l -> assertThat(l).matches("INFO cancel of job " + id + " by " + caller
                + pid + " refused \\(409\\): job " + id + " has finished already \\(FAILED\\)"));
        // a newline in the path cannot forge a second log line
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("INFO cancel of job nope\\nforged by " + caller)
                .doesNotContain("\n"));
    }

    private String submitMissingBackup(String to) throws Exception {
        Path root = Files.createDirectories(dir.resolve("ok/backups"));
        Curl.Answer answer = Curl.call(socket, "POST", "/v1/restores", "{\"backup_root\": \"" + root
                + "\", \"backup_id\": \"" + UUID.randomUUID() + "\", \"to\": \"" + dir.resolve("ok").resolve(to) + "\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        return answer.json().get("id").asText();
    }

    private void awaitFinished(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Curl.call(socket, "GET", "/v1/restores/" + id, null).json().get("state").asText().equals("FAILED")) {
            assertThat(System.nanoTime()).as("job failed in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
