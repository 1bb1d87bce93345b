package dev.restoreagent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreagent.agent.daemon.AgentConfig;
import dev.restoreagent.agent.daemon.AgentConfig.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * agent.conf: loaded, or refused with a {@link ConfigException} that names the file and, for a line's
 * problem, a line the file has; never anything else. Seeds: the packaged file (every key at its default)
 * and files with object stores and Ceph backup clusters.
 */
class AgentConfFuzzTest {
    private static final Bounds BOUNDS = new Bounds("agent-conf");
    /** Lines are read whole, then split and kept by key: a few copies of the input, in chars. */
    private static final int HEAP_PER_INPUT_BYTE = 64;

    @TempDir
    static Path dir;

    @FuzzTest
    void agentConf(byte[] input) throws Exception {
        Path file = Files.write(dir.resolve("agent.conf"), input);
        long lines = new String(input, java.nio.charset.StandardCharsets.ISO_8859_1).lines().count();
        BOUNDS.run(Seeds.PARSER_HEAP_BYTES + (long) HEAP_PER_INPUT_BYTE * input.length, () -> {
            try {
                AgentConfig config = AgentConfig.load(file);
                assertThat(config.socket()).isNotNull();
                assertThat(config.stateDir()).isNotNull();
                assertThat(config.memoryBudgetBytes()).isPositive();
                assertThat(config.allowedPaths()).allMatch(Path::isAbsolute);
            } catch (ConfigException e) {
                assertThat(e.file()).isEqualTo(file);
                assertThat(e.getMessage()).startsWith(file.toString());
                assertThat((long) e.line()).isBetween(0L, lines);
            }
        });
    }

    @AfterAll
    static void close() {
        BOUNDS.close();
    }
}
