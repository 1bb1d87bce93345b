package dev.restoreagent.agent.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration block is the packaged file: the agent's own defaults, with the socket
 * handed to the group restore-agent as packaging/pom.xml does it, and it parses. The package test
 * compares it with the installed file too.
 */
class ReadmeConfigTest {
    private static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath()
            .normalize();
    private static final String HEADING = "The configuration (`/etc/restore-agent/agent.conf` by default;";

    @TempDir
    Path dir;

    /** The indented block after the paragraph that introduces it, without its indent. */
    private static String readmeBlock() throws Exception {
        List<String> lines = Files.readAllLines(HOME.resolve("README.md"));
        int at = 0;
        while (!lines.get(at).startsWith(HEADING)) {
            at++;
        }
        while (!lines.get(at).isEmpty()) {
            at++;
        }
        int first = at + 1;
        int end = first;
        // the block runs on through blank lines that more indented lines follow
        while (end < lines.size() && (lines.get(end).startsWith("    ")
                || lines.get(end).isEmpty() && end + 1 < lines.size() && lines.get(end + 1).startsWith("    "))) {
            end++;
        }
        return lines.subList(first, end).stream().map(l -> l.isEmpty() ? l : l.substring(4))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    @Test
    void theReadmeShowsTheDefaultsAsTheyAre() throws Exception {
        assertThat(readmeBlock()).isEqualTo(AgentConfig.DEFAULTS.replace("\nsocket_group =\n",
                "\nsocket_group = restore-agent\n"));
    }

    @Test
    void theReadmeBlockParses() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.conf"), readmeBlock());
        Path defaults = Files.writeString(dir.resolve("defaults.conf"), "socket_group = restore-agent\n");
        assertThat(AgentConfig.load(file)).isEqualTo(AgentConfig.load(defaults));
    }
}
