package dev.restoreagent.agent.daemon;

import dev.restoreagent.testkit.CephTestCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileMeansEveryDefault() throws Exception {
        AgentConfig config = AgentConfig.load(dir.resolve("absent.conf"));
        assertThat(config.memoryBudgetBytes()).isEqualTo(256L << 20);
        assertThat(config.rbdZeroCopyWrites()).isTrue();
    }

    @Test
    void zeroCopyCanBeTurnedOffAndAnythingButTrueOrFalseIsRefusedByName() throws Exception {
        Path file = dir.resolve("agent.conf");
        Files.writeString(file, "rbd_zero_copy_writes = false\n");
        assertThat(AgentConfig.load(file).rbdZeroCopyWrites()).isFalse();

        Files.writeString(file, "rbd_zero_copy_writes = no\n");
        assertThatThrownBy(() -> AgentConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config " + file + ": rbd_zero_copy_writes must be true or false: 'no'");
    }

    @Test
    @Tag("ceph")
    void theDaemonsConnectionHasZeroCopyAsConfigured() throws Exception {
        for (boolean zeroCopy : new boolean[] {true, false}) {
            Path file = dir.resolve("zero-copy-" + zeroCopy + ".conf");
            Files.writeString(file, "ceph_conf = " + CephTestCluster.conf() + "\nrbd_zero_copy_writes = " + zeroCopy + "\n");
            try (var shared = Agent.connection(AgentConfig.load(file))) {
                assertThat(shared.get().settingsInEffect())
                        .containsEntry("rbd_disable_zero_copy_writes", zeroCopy ? "false" : "true")
                        .containsEntry("rbd_cache", "false");
            }
        }
    }
}
