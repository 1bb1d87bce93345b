package dev.restoreagent.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state directory of a command run by hand. A system directory this process cannot make is one
 * below a regular file: that fails for root too, as the tests run.
 */
class LocalStateDirTest {
    @TempDir
    Path dir;

    private Path unmakeable() throws Exception {
        return Files.createFile(dir.resolve("a-file")).resolve("state");
    }

    @Test
    void theSystemDirectoryWhereItCanBeMade() throws Exception {
        Path system = dir.resolve("var-lib");

        assertThat(LocalStateDir.choose(system, Map.of("XDG_RUNTIME_DIR", dir.toString()))).isEqualTo(system);
        assertThat(system.resolve("tmp")).isDirectory();
    }

    @Test
    void elseTheUsersRuntimeDirectory() throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("run-user-1000"));

        assertThat(LocalStateDir.choose(unmakeable(), Map.of("XDG_RUNTIME_DIR", runtime.toString())))
                .isEqualTo(runtime.resolve("restore-agent"));
        assertThat(runtime.resolve("restore-agent/tmp")).isDirectory();
    }

    @Test
    void elseAPrivateTemporaryDirectory() throws Exception {
        for (Map<String, String> env : new Map[] {Map.of(), Map.of("XDG_RUNTIME_DIR", ""),
                Map.of("XDG_RUNTIME_DIR", dir.resolve("a-file").toString())}) {
            Path chosen = LocalStateDir.choose(unmakeable(), env);
            try {
                assertThat(chosen).startsWith(Path.of(System.getProperty("java.io.tmpdir")));
                assertThat(Files.getPosixFilePermissions(chosen)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            } finally {
                Files.delete(chosen);
                Files.delete(dir.resolve("a-file"));
            }
        }
    }
}
