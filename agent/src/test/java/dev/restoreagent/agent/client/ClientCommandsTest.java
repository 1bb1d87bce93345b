package dev.restoreagent.agent.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.cli.BudgetCommand;
import dev.restoreagent.agent.cli.CancelCommand;
import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.agent.cli.ListCommand;
import dev.restoreagent.agent.cli.ShowCommand;
import dev.restoreagent.agent.cli.SubmitCommand;
import dev.restoreagent.agent.cli.WatchCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client commands against {@link FakeAgent}: output, exit codes, and what they send. */
class ClientCommandsTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    private FakeAgent agent;

    @BeforeEach
    void start() throws Exception {
        agent = new FakeAgent(dir.resolve("agent.sock"));
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    record Run(int exitCode, String out, String err) {
    }

    /** Runs a command on the fake's socket, as picocli would from the command line. */
    private Run run(Object command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--socket")) {
            all.addAll(List.of("--socket", agent.socket.toString()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void listPrintsATable() {
        agent.on("GET", "/v1/restores", 200, "{\"restores\": ["
                + FakeAgent.job("3f0c2a9e-0000-4000-8000-000000000002", "QUEUED").put("bytes_done", 0)
                        .putNull("bytes_total").put("queue_position", 1).put("target", "rbd:volumes/vm-2")
                + ", " + FakeAgent.job("3f0c2a9e-0000-4000-8000-000000000001", "RUNNING") + "]}");

        Run run = run(new ListCommand());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(
                "ID                                    STATE    PROGRESS             TARGET" + NL
                + "3f0c2a9e-0000-4000-8000-000000000002  QUEUED   0 B/?                rbd:volumes/vm-2" + NL
                + "3f0c2a9e-0000-4000-8000-000000000001  RUNNING  1.0 MiB/4.0 MiB 25%  /dev/sdb" + NL);
    }

    @Test
    void jsonOutputIsTheDaemonsJson() throws Exception {
        String answer = "{\"restores\": [" + FakeAgent.job("j-1", "RUNNING") + "]}";
        agent.on("GET", "/v1/restores", 200, answer);

        Run run = run(new ListCommand(), "--output", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(FakeAgent.JSON.readTree(run.out())).isEqualTo(FakeAgent.JSON.readTree(answer));
    }

    @Test
    void showPrintsTheJobInFull() {
        agent.on("GET", "/v1/restores/j-1", 200, FakeAgent.job("j-1", "FAILED").put("error", "md5 mismatch")
                .put("error_kind", "VERIFICATION").put("finished_at", "2025-01-02T03:05:00Z").toString());

        Run run = run(new ShowCommand(), "j-1");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(String.join(NL,
                "id:              j-1",
                "state:           FAILED",
                "source:          Cinder backup b-1 (full)",
                "target:          /dev/sdb",
                "progress:        1.0 MiB of 4.0 MiB (25%), 2.0 MiB/s, ETA 0:02",
                "written:         512.0 KiB",
                "skipped as zero: 512.0 KiB",
                "zeroed:          0 B",
                "error:           VERIFICATION: md5 mismatch",
                "created:         2025-01-02T03:04:05Z",
                "started:         2025-01-02T03:04:06Z",
                "finished:        2025-01-02T03:05:00Z") + NL);
    }

    @Test
    void notFoundPrintsTheDaemonsMessageAndExitsWithUsage() {
        agent.on("GET", "/v1/restores/nope", 404, "{\"error\": \"no restore job nope\", \"status\": 404}");

        Run run = run(new ShowCommand(), "nope");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("restore-agent: no restore job nope" + NL);
    }

    @Test
    void forbiddenExitsWithNoPermission() {
        agent.on("GET", "/v1/budget", 403, "{\"error\": \"uid 65534 may not use restore-agent\", \"status\": 403}");

        Run run = run(new BudgetCommand());

        assertThat(run.exitCode()).isEqualTo(ExitCode.NO_PERMISSION);
        assertThat(run.err()).isEqualTo("restore-agent: uid 65534 may not use restore-agent" + NL);
    }

    @Test
    void aServerErrorExitsWithInternal() {
        agent.on("GET", "/v1/budget", 500, "{\"error\": \"budget lost\", \"status\": 500}");

        assertThat(run(new BudgetCommand()).exitCode()).isEqualTo(ExitCode.INTERNAL);
    }

    @Test
    void aMissingSocketExitsWithUnavailable() {
        Path missing = dir.resolve("missing.sock");

        Run run = run(new ListCommand(), "--socket", missing.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(run.err()).isEqualTo("restore-agent: cannot reach restore-agent at " + missing
                + ": no such socket" + NL);
    }

    @Test
    void theSocketDefaultsToTheEnvironmentThenTheStandardPath() {
        CommandLine line = new CommandLine(new ListCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        line.parseArgs();

        String env = System.getenv("RESTORE_AGENT_SOCKET");
        assertThat(line.getCommandSpec().findOption("--socket").<Path>getValue())
                .isEqualTo(Path.of(env != null ? env : ControlClient.DEFAULT_SOCKET));
    }

    @Test
    void submitSendsAbsolutePathsAndTheKeyAndPrintsTheId() throws Exception {
        agent.on("POST", "/v1/restores", 202, FakeAgent.job("j-1", "QUEUED").toString());

        Run run = run(new SubmitCommand(), "--image", "disk.img", "--to", "rbd:volumes/vm-1", "--create",
                "--idempotency-key", "k-1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("j-1" + NL);
        assertThat(run.err()).isEmpty();
        JsonNode body = FakeAgent.JSON.readTree(agent.requests.get(0).body());
        assertThat(body.path("image").asText()).isEqualTo(Path.of("disk.img").toAbsolutePath().toString());
        assertThat(body.path("to").asText()).isEqualTo("rbd:volumes/vm-1");
        assertThat(body.path("create").asBoolean()).isTrue();
        assertThat(body.path("idempotency_key").asText()).isEqualTo("k-1");
    }

    @Test
    void submitOfAKnownKeySaysSoOnStderr() {
        agent.on("POST", "/v1/restores", 200, FakeAgent.job("j-1", "RUNNING").toString());

        Run run = run(new SubmitCommand(), "--image", "/srv/disk.img", "--to", "/dev/sdb", "--idempotency-key", "k-1");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("j-1" + NL);
        assertThat(run.err()).isEqualTo("restore-agent: job j-1 has idempotency key k-1 already;"
                + " not submitted again" + NL);
    }

    @Test
    void submitWithJsonOutputPrintsTheJob() {
        agent.on("POST", "/v1/restores", 202, FakeAgent.job("j-1", "QUEUED").toString());

        Run run = run(new SubmitCommand(), "--image", "/srv/disk.img", "--to", "/dev/sdb", "-o", "json");

        assertThat(run.out()).isEqualTo(FakeAgent.job("j-1", "QUEUED") + NL);
    }

    @Test
    void submitRefusesStandardInputAndMalformedRequestsWithoutAsking() {
        Run stdin = run(new SubmitCommand(), "--image", "-", "--to", "/dev/sdb");
        Run noRoot = run(new SubmitCommand(), "--backup-id", "b-1", "--to", "/dev/sdb");

        assertThat(stdin.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(stdin.err()).contains("--image - (standard input) works with restore only");
        assertThat(noRoot.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noRoot.err()).contains("--backup-root is required with --backup-id and --cinder-record");
        assertThat(agent.requests).isEmpty();
    }

    @Test
    void submitWatchFollowsTheJobToItsOutcome() {
        agent.on("POST", "/v1/restores", 202, FakeAgent.job("j-1", "QUEUED").toString())
                .on("GET", "/v1/restores/j-1", 200, FakeAgent.job("j-1", "FAILED").put("error", "/dev/sdb is too small")
                        .put("error_kind", "TARGET").toString());

        Run run = run(new SubmitCommand(), "--image", "/srv/disk.img", "--to", "/dev/sdb", "--watch");

        assertThat(run.exitCode()).isEqualTo(ExitCode.TARGET);
        assertThat(run.out()).isEqualTo("j-1" + NL + "j-1 FAILED: TARGET: /dev/sdb is too small" + NL);
    }

    @Test
    void watchPrintsLinesAndExitsZeroOnSuccess() {
        agent.on("GET", "/v1/restores/j-1", new FakeAgent.Answer(200, FakeAgent.job("j-1", "QUEUED")
                        .put("queue_position", 2).toString()),
                new FakeAgent.Answer(200, FakeAgent.job("j-1", "RUNNING").toString()),
                new FakeAgent.Answer(200, FakeAgent.job("j-1", "SUCCEEDED").put("bytes_done", 4L << 20)
                        .toString()));

        Run run = run(new WatchCommand(), "j-1", "--interval", "0.01");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("j-1 QUEUED, #2 in line, waiting for memory budget" + NL
                + "j-1 RUNNING 1.0 MiB of 4.0 MiB (25%), 2.0 MiB/s, ETA 0:02" + NL
                + "j-1 SUCCEEDED: restored 4.0 MiB to /dev/sdb: 512.0 KiB written, 512.0 KiB skipped as zero,"
                + " 0 B zeroed" + NL);
    }

    @Test
    void watchExitsWithTheCodeOfTheFirstJobThatDidNotSucceed() {
        agent.on("GET", "/v1/restores/ok", 200, FakeAgent.job("ok", "SUCCEEDED").toString())
                .on("GET", "/v1/restores/bad", 200, FakeAgent.job("bad", "FAILED").put("error", "md5 mismatch")
                        .put("error_kind", "VERIFICATION").toString())
                .on("GET", "/v1/restores/stopped", 200, FakeAgent.job("stopped", "CANCELLED").toString());

        assertThat(run(new WatchCommand(), "ok", "bad", "stopped").exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(run(new WatchCommand(), "ok", "stopped", "bad").exitCode()).isEqualTo(ExitCode.CANCELLED);
        assertThat(run(new WatchCommand(), "ok").exitCode()).isEqualTo(ExitCode.OK);
    }

    @Test
    void watchWithoutIdsFollowsTheQueuedAndRunningJobs() {
        agent.on("GET", "/v1/restores", 200, "{\"restores\": [" + FakeAgent.job("new", "QUEUED") + ", "
                        + FakeAgent.job("old", "FAILED") + "]}")
                .on("GET", "/v1/restores/new", 200, FakeAgent.job("new", "CANCELLED").toString());

        Run run = run(new WatchCommand(), "--progress", "none");

        assertThat(run.exitCode()).isEqualTo(ExitCode.CANCELLED);
        assertThat(run.out()).isEqualTo("new CANCELLED: after 1.0 MiB" + NL);
        assertThat(agent.requests).extracting(FakeAgent.Request::uri).doesNotContain("/v1/restores/old");
    }

    @Test
    void watchWithNothingToWatchSaysSo() {
        agent.on("GET", "/v1/restores", 200, "{\"restores\": []}");

        Run run = run(new WatchCommand());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEqualTo("restore-agent: no queued or running restores to watch" + NL);
    }

    @Test
    void watchBarsAreRedrawnInPlaceAndFinishedJobsGetAFullLine() {
        String id = "3f0c2a9e-0000-4000-8000-000000000001";
        agent.on("GET", "/v1/restores/" + id, new FakeAgent.Answer(200, FakeAgent.job(id, "RUNNING").toString()),
                new FakeAgent.Answer(200, FakeAgent.job(id, "SUCCEEDED").toString()));

        Run run = run(new WatchCommand(), id, "--progress", "bar", "--interval", "0.01");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(
                "3f0c2a9e [#####...............] 1.0 MiB of 4.0 MiB (25%), 2.0 MiB/s, ETA 0:02\n"
                + "\033[1A\r\033[J" + id + " SUCCEEDED: restored 1.0 MiB to /dev/sdb: 512.0 KiB written,"
                + " 512.0 KiB skipped as zero, 0 B zeroed\n");
    }

    @Test
    void watchWithJsonOutputPrintsEachFinishedJob() {
        agent.on("GET", "/v1/restores/j-1", 200, FakeAgent.job("j-1", "SUCCEEDED").toString());

        Run run = run(new WatchCommand(), "j-1", "-o", "json");

        assertThat(run.out()).isEqualTo(FakeAgent.job("j-1", "SUCCEEDED") + NL);
    }

    @Test
    void cancelAsksTheDaemonAndAFinishedJobIsAConflict() {
        agent.on("DELETE", "/v1/restores/j-1", 202, FakeAgent.job("j-1", "RUNNING").toString())
                .on("DELETE", "/v1/restores/j-2", 409, "{\"error\": \"restore job j-2 has finished already\","
                        + " \"status\": 409}");

        Run cancelled = run(new CancelCommand(), "j-1");
        Run conflict = run(new CancelCommand(), "j-2");

        assertThat(cancelled.exitCode()).isZero();
        assertThat(cancelled.out()).isEqualTo("cancel requested: j-1" + NL);
        assertThat(conflict.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(conflict.err()).isEqualTo("restore-agent: restore job j-2 has finished already" + NL);
    }

    @Test
    void budgetPrintsTotalsAndHolders() {
        agent.on("GET", "/v1/budget", 200, "{\"total_bytes\": 268435456, \"in_use_bytes\": 67108864,"
                + " \"available_bytes\": 201326592, \"waiting\": 1, \"jobs\": [{\"id\": \"j-1\", \"state\":"
                + " \"RUNNING\", \"bytes\": 67108864}, {\"id\": \"j-2\", \"state\": \"QUEUED\", \"bytes\": 0}]}");

        Run run = run(new BudgetCommand());

        assertThat(run.out()).isEqualTo("memory budget 256.0 MiB: 64.0 MiB in use, 192.0 MiB available, 1 waiting" + NL
                + "  j-1  RUNNING   64.0 MiB" + NL
                + "  j-2  QUEUED    0 B" + NL);
    }
}
