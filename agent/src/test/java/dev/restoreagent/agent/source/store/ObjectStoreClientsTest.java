package dev.restoreagent.agent.source.store;

import dev.restoreagent.agent.TestSupport;
import dev.restoreagent.agent.daemon.Agent;
import dev.restoreagent.agent.daemon.AgentConfig;
import dev.restoreagent.agent.daemon.AgentStartException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent's own tests run without the object-stores module (its class path has no AWS SDK): a store
 * asked for then is one clear line, from the command line and from agent.conf, not a class-loading trace.
 */
class ObjectStoreClientsTest {
    @TempDir
    Path dir;

    @Test
    void withoutTheModuleAStoreIsAClearError() {
        assertThatThrownBy(ObjectStoreClients::installed).isInstanceOf(ObjectStoreException.class)
                .hasMessage("S3 and Swift stores need restore-agent's object-stores module (object-stores-*.jar"
                        + " and the AWS SDK's jars beside the agent's), which is not on the class path");
    }

    @Test
    void theCommandLineSaysSoInOneLine() {
        TestSupport.CliRun run = TestSupport.cli("restore", "--s3-endpoint", "http://127.0.0.1:9",
                "--backup-id", UUID.randomUUID().toString(), "--to", dir.resolve("t.img").toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr().strip()).startsWith("restore-agent: S3 and Swift stores need restore-agent's"
                + " object-stores module").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aDaemonWhoseConfigNamesAStoreDoesNotStartAndSaysWhy() throws Exception {
        Path conf = Files.writeString(dir.resolve("agent.conf"), String.join("\n", "socket = " + dir.resolve("s"),
                "state_dir = " + dir.resolve("state"), "store.rgw.type = s3", "store.rgw.endpoint = http://127.0.0.1:9",
                ""));

        assertThatThrownBy(() -> Agent.start(AgentConfig.load(conf), "test")).isInstanceOf(AgentStartException.class)
                .hasMessageContaining("S3 and Swift stores need restore-agent's object-stores module");
        assertThat(dir.resolve("s")).doesNotExist();
    }
}
