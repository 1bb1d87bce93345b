package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.Curl;
import dev.restoreagent.agent.TestSupport;
import dev.restoreagent.agent.cli.ExitCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One agent per state directory and per socket: a second one is refused in one sentence, and
 * leaves the first one running; what a dead agent left behind does not stop the next.
 */
class OneAgentTest {
    @TempDir
    Path dir;
    private final List<Agent> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Agent::close);
    }

    private AgentConfig config(String name, Path stateDir) throws Exception {
        Path conf = Files.writeString(dir.resolve(name + ".conf"), String.join("\n",
                "socket = " + dir.resolve(name + ".sock"), "state_dir = " + stateDir, "allowed_groups =", ""));
        return AgentConfig.load(conf);
    }

    private Agent start(AgentConfig config) throws Exception {
        Agent agent = Agent.start(config, "test");
        started.add(agent);
        return agent;
    }

    @Test
    void aSecondAgentOnTheSameStateDirectoryIsRefused() throws Exception {
        Path state = dir.resolve("state");
        start(config("first", state));

        assertThatThrownBy(() -> start(config("second", state)))
                .isInstanceOf(AgentStartException.class)
                .hasMessage("another restore-agent (pid " + ProcessHandle.current().pid()
                        + ") is running on state directory " + state + ": one agent per state directory");
        assertThat(dir.resolve("first.sock")).as("the first still listens").exists();
        assertThat(dir.resolve("second.sock")).doesNotExist();
    }

    @Test
    void aSecondAgentOnTheSameSocketIsRefusedAndTheFirstKeepsIt() throws Exception {
        AgentConfig first = config("shared", dir.resolve("state-1"));
        start(first);
        AgentConfig second = config("shared", dir.resolve("state-2"));

        assertThatThrownBy(() -> start(second))
                .isInstanceOf(AgentStartException.class)
                .hasMessage("another restore-agent is listening on " + first.socket()
                        + "; stop it first, or give this one another socket");
        assertThat(Curl.call(first.socket(), "GET", "/v1/health", null).status()).isEqualTo(200);
        // the refused agent let go of its own state directory
        start(config("other", dir.resolve("state-2")));
    }

    @Test
    void whatAStoppedAgentLeftBehindDoesNotStopTheNext() throws Exception {
        Path state = dir.resolve("state");
        AgentConfig config = config("agent", state);
        start(config).close();
        // a killed agent leaves its lock file and its socket file
        Files.writeString(state.resolve(StateDirLock.FILE), "12345\n");
        Files.createFile(config.socket());

        start(config);

        assertThat(Curl.call(config.socket(), "GET", "/v1/health", null).status()).isEqualTo(200);
    }

    @Test
    void serveRefusesAConfigFileThatIsNamedButMissing() throws IOException {
        Path missing = dir.resolve("agent.conf");

        TestSupport.CliRun run = TestSupport.cli("serve", "--config", missing.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.stderr()).isEqualTo("restore-agent: " + missing + ": no such configuration file\n");
    }

    @Test
    void serveExitsWith71InOneLineWhenAnotherAgentHasItsStateDirectory() throws Exception {
        Path state = dir.resolve("state");
        start(config("first", state));
        Path conf = Files.writeString(dir.resolve("second.conf"), String.join("\n",
                "socket = " + dir.resolve("second.sock"), "state_dir = " + state, "allowed_groups =", ""));

        TestSupport.CliRun run = TestSupport.cli("serve", "--config", conf.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.CANNOT_START);
        assertThat(run.stderr().lines().filter(l -> l.startsWith("restore-agent: ")).toList())
                .containsExactly("restore-agent: another restore-agent (pid " + ProcessHandle.current().pid()
                        + ") is running on state directory " + state + ": one agent per state directory");
        assertThat(run.stderr()).doesNotContain("\tat ");
    }
}
