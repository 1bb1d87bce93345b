package dev.restoreagent.agent;

import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code restore} run by hand by a user who cannot write {@code /var/lib/restore-agent}: the launcher as
 * uid 65534 (setpriv), from a copy of the jars that user can read. It spools the sha256file in a
 * directory of its own and keeps sha256 verification, with no note about falling back to md5.
 */
class NonRootCliIT {
    private static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath().normalize();
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;
    private Path volume;
    private CinderBackup backup;
    private Path launcher;

    @BeforeEach
    void setUp() throws Exception {
        // (a skip fails the run under CI=true: scripts/no-skipped-tests.sh)
        assumeTrue("root".equals(System.getProperty("user.name")), "running as another uid needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        volume = dir.resolve("volume");
        Volumes.write(volume, 3L * 1024 * 1024 + 4096, 7, new VolumeShape(0.3, 0.3, 64 * 1024));
        backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1024 * 1024)
                .shaBlockSizeBytes(32 * 1024).compression("zlib").write(volume);
        // Cinder's repository is private to its service; here the backup is for anyone to read
        try (Stream<Path> all = Files.walk(dir.resolve("backups"))) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
        // the checkout may sit below a directory only root may enter: the launcher and jars, copied
        Path copy = Files.createDirectories(dir.resolve("agent/lib"));
        try (Stream<Path> jars = Files.list(HOME.resolve("agent/target/lib"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Files.copy(jar, copy.resolve(jar.getFileName()));
            }
        }
        Files.copy(HOME.resolve("agent/target/restore-agent.jar"), dir.resolve("agent/restore-agent.jar"));
        launcher = Files.copy(HOME.resolve("bin/restore-agent"), dir.resolve("agent/restore-agent"));
        Files.createDirectories(dir.resolve("out"));
        Files.setPosixFilePermissions(dir.resolve("out"), PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private record Run(int exitCode, String stderr) {
    }

    /** {@code restore} as uid 65534, with {@code xdgRuntimeDir} as its XDG_RUNTIME_DIR (none when null). */
    private Run restoreAsNobody(Path target, Path xdgRuntimeDir) throws Exception {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "env", "-u", "XDG_RUNTIME_DIR", "HOME=/nonexistent"));
        if (xdgRuntimeDir != null) {
            command.add("XDG_RUNTIME_DIR=" + xdgRuntimeDir);
        }
        command.addAll(List.of("RESTORE_AGENT_JAR=" + dir.resolve("agent/restore-agent.jar"),
                "RESTORE_AGENT_LIB=" + dir.resolve("agent/lib"), launcher.toString(), "restore",
                "--backup-root", backup.backupRoot().toString(), "--backup-id", backup.backupId(),
                "--to", target.toString(), "--progress", "none"));
        // stderr to a file: a restore that hangs fails the test at the bound instead of blocking a read
        Path stderr = dir.resolve("stderr-" + System.nanoTime());
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        boolean ended = process.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String text = Files.readString(stderr, StandardCharsets.UTF_8);
        assertThat(ended).as("restore ended within 2 minutes: " + text).isTrue();
        return new Run(process.exitValue(), text);
    }

    @Test
    void withoutXdgRuntimeDirItUsesAPrivateDirectoryAndKeepsSha256() throws Exception {
        Path target = dir.resolve("out/a.img");

        Run run = restoreAsNobody(target, null);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("note:").doesNotContain("md5")
                .endsWith("; checked against the sha256 of each block (the backup)\n");
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
    }

    @Test
    void itUsesItsXdgRuntimeDir() throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("run-user"));
        Files.setAttribute(runtime, "unix:uid", NOBODY);
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        Path target = dir.resolve("out/b.img");

        Run run = restoreAsNobody(target, runtime);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("note:").endsWith("; checked against the sha256 of each block (the backup)\n");
        assertThat(runtime.resolve("restore-agent/tmp")).isDirectory();
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
    }
}
