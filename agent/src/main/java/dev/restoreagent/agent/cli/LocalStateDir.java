package dev.restoreagent.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The state directory of a command run by hand ({@code restore}, {@code verify}) when
 * {@code --state-dir} is not given: the system one ({@link RestoreCommand#DEFAULT_STATE_DIR}) where this
 * user can make its {@code tmp/} there (root, the service's user), else {@code $XDG_RUNTIME_DIR/restore-agent},
 * else a private directory of its own under {@code java.io.tmpdir} (mode 0700). A user who cannot write
 * the system directory thus still spools a sha256file and keeps sha256 verification, instead of falling
 * back to md5.
 */
final class LocalStateDir {
    private LocalStateDir() {
    }

    static Path choose(Path systemDir, Map<String, String> env) throws IOException {
        if (canMake(systemDir.resolve("tmp"))) {
            return systemDir;
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty() && canMake(Path.of(runtime, "restore-agent", "tmp"))) {
            return Path.of(runtime, "restore-agent");
        }
        // createTempDirectory makes it 0700: the spooled hashes are this user's alone. Removed at exit
        // when empty (tmp/ first: deleteOnExit runs last registered first); marks kept in it stay.
        Path own = Files.createTempDirectory("restore-agent-");
        own.toFile().deleteOnExit();
        own.resolve("tmp").toFile().deleteOnExit();
        return own;
    }

    /** Whether {@code dir} is, or could be made, a directory this process writes (tried, not guessed). */
    private static boolean canMake(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir);
        } catch (IOException | SecurityException e) {
            // not this user's to make (EACCES), a read-only file system, a file where a directory should be
            return false;
        }
    }
}
