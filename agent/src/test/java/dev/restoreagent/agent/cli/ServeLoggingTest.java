package dev.restoreagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.agent.Curl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore-agent serve}'s log as a process of its own writes it (a JVM of the test's
 * classpath, so java.util.logging starts as in production): priorities for the journal, JSON lines,
 * and the lines logged while stopping on SIGTERM, which java.util.logging's own shutdown hook used
 * to discard.
 */
class ServeLoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Process daemon;

    @AfterEach
    void kill() {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly();
        }
    }

    private Path socket() {
        return dir.resolve("agent.sock");
    }

    private Path stderr() {
        return dir.resolve("stderr");
    }

    /** Starts serve with stderr to a file; {@code journal} sets JOURNAL_STREAM to that very file. */
    private void serve(boolean journal, String... options) throws Exception {
        Path conf = Files.writeString(dir.resolve("agent.conf"), String.join("\n", "socket = " + socket(),
                "state_dir = " + dir.resolve("state"), "allowed_paths = " + Files.createDirectories(dir.resolve("ok")),
                "allowed_groups =", ""));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(),
                "serve", "--config", conf.toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(Files.createFile(stderr()).toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("JOURNAL_STREAM");
        if (journal) {
            builder.environment().put("JOURNAL_STREAM", Files.getAttribute(stderr(), "unix:dev") + ":"
                    + Files.getAttribute(stderr(), "unix:ino"));
        }
        daemon = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(socket()) && Curl.call(socket(), "GET", "/v1/health", null).status() == 200)) {
            assertThat(daemon.isAlive()).as("serve runs: " + Files.readString(stderr())).isTrue();
            assertThat(System.nanoTime()).as("serve up in time").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** A restore of a backup that is not there: it fails at once. */
    private String failingRestore() throws Exception {
        Path root = Files.createDirectories(dir.resolve("ok/backups"));
        Curl.Answer answer = Curl.call(socket(), "POST", "/v1/restores", "{\"backup_root\": \"" + root
                + "\", \"backup_id\": \"" + UUID.randomUUID() + "\", \"to\": \"" + dir.resolve("ok/t.img") + "\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        String id = answer.json().get("id").asText();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.readString(stderr()).contains("job " + id + " FAILED")) {
            assertThat(System.nanoTime()).as("the failure logged in time").isLessThan(deadline);
            Thread.sleep(50);
        }
        return id;
    }

    /** SIGTERM, as systemd stops the unit; the log once the process has gone. */
    private List<String> stop() throws Exception {
        daemon.destroy();
        assertThat(daemon.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(daemon.exitValue()).isZero();
        // slf4j-api is on the test classpath only (json-schema-validator's), and warns that it has no provider
        return Files.readAllLines(stderr()).stream().filter(l -> !l.startsWith("SLF4J(")).toList();
    }

    @Test
    void toTheJournalFailuresAreErrorsAndTheStopIsLogged() throws Exception {
        serve(true);
        String id = failingRestore();

        List<String> log = stop();

        assertThat(log).allMatch(l -> l.matches("<[3-7]>.*"), "every line has a priority");
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("<3>SEVERE job " + id + " FAILED: "));
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("<6>INFO submit by uid="));
        assertThat(log).contains("<6>INFO restore-agent stopped");
    }

    @Test
    void elsewhereTheLinesArePlainAndTheStopIsLoggedToo() throws Exception {
        serve(false);
        String id = failingRestore();

        List<String> log = stop();

        assertThat(log).noneMatch(l -> l.startsWith("<"));
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("SEVERE job " + id + " FAILED: "));
        assertThat(log).last().isEqualTo("INFO restore-agent stopped");
    }

    @Test
    void jsonIsOneObjectPerLineWithTheJobWhereKnown() throws Exception {
        serve(false, "--log-format", "json");
        String id = failingRestore();

        List<String> log = stop();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : log) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).allSatisfy(l -> assertThat(l.fieldNames()).toIterable()
                .contains("time", "level", "logger", "message"));
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.get("level").asText()).isEqualTo("error");
            assertThat(l.get("job").asText()).isEqualTo(id);
            assertThat(l.get("logger").asText()).isEqualTo("dev.restoreagent.agent.daemon.Agent");
            assertThat(l.get("message").asText()).startsWith("job " + id + " FAILED: ");
        });
        assertThat(lines).anySatisfy(l -> assertThat(l.get("message").asText()).startsWith("submit by uid="));
        assertThat(lines.get(lines.size() - 1).get("message").asText()).isEqualTo("restore-agent stopped");
    }
}
