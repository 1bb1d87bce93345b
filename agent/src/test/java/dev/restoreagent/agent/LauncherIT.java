package dev.restoreagent.agent;

import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end through {@code bin/restore-agent}, a JVM of its own with the flags the launcher
 * derives: the memory claim with large objects, and a pipe on standard input.
 */
class LauncherIT {
    private static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath().normalize();
    private static final Path LAUNCHER = HOME.resolve("bin/restore-agent");

    @TempDir
    Path dir;

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private Run run(String shellCommand, String javaOpts) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", shellCommand)
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        builder.environment().put("JAVA_OPTS", javaOpts);
        Process process = builder.start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("finished in time").isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
    }

    @Test
    void objectsOf256MiBRestoreWithin64MiBOfDirectMemory() throws Exception {
        Path volume = dir.resolve("volume");
        Volumes.write(volume, (256L << 20) + (3L << 20) + 12_345, 256, VolumeShape.DISK_LIKE);
        CinderBackup backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(256L << 20)
                .compression("zstd").write(volume);
        assertThat(backup.objects()).hasSize(2);
        assertThat(backup.objects().get(0).length()).isEqualTo(256L << 20);
        Path target = dir.resolve("restored.img");

        Run run = run(LAUNCHER + " restore --backup-root " + backup.backupRoot() + " --backup-id "
                + backup.backupId() + " --to " + target + " --memory-budget 64MiB --progress plain"
                + " --progress-interval 1", "-XX:+PrintFlagsFinal");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        // the JVM's own hard cap, derived by the launcher from --memory-budget
        assertThat(run.stdout()).containsPattern("MaxDirectMemorySize\\s+= 67108864 ");
        Matcher peak = Pattern.compile("direct memory peak ([0-9.]+) (B|KiB|MiB) of 64.0 MiB budget")
                .matcher(run.stderr());
        assertThat(peak.find()).as(run.stderr()).isTrue();
        double peakMiB = Double.parseDouble(peak.group(1)) / (peak.group(2).equals("MiB") ? 1 : 1024);
        assertThat(peakMiB).isLessThanOrEqualTo(64.0);
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
    }

    @Test
    void zstdStreamOnStandardInput() throws Exception {
        Path volume = dir.resolve("volume");
        Volumes.write(volume, (9L << 20) + 1, 9, VolumeShape.DISK_LIKE);
        Path target = dir.resolve("restored.img");

        Run run = run("zstd -q -c " + volume + " | " + LAUNCHER + " restore --image - --to " + target, "");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr().lines().filter(l -> l.startsWith("restored image standard input")).count())
                .isEqualTo(1);
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
    }

    /**
     * {@code -XX:MaxDirectMemorySize} of the agent's JVM as the launcher starts it with {@code launcherArgs},
     * or 0, the JVM's own value when no option sets it.
     */
    private long maxDirectMemory(String launcherArgs) throws Exception {
        return maxDirectMemory("", launcherArgs);
    }

    /** The same with {@code environment}, {@code NAME=value} words, set for the launcher. */
    private long maxDirectMemory(String environment, String launcherArgs) throws Exception {
        // -version: the agent's JVM prints its final flags and stops before the agent's main
        Run run = run(environment + " " + LAUNCHER + " " + launcherArgs, "-XX:+PrintFlagsFinal -version");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        return maxDirectMemory(run);
    }

    private static long maxDirectMemory(Run run) {
        Matcher flag = Pattern.compile("MaxDirectMemorySize\\s+= ([0-9]+) ").matcher(run.stdout());
        assertThat(flag.find()).as(run.stdout()).isTrue();
        return Long.parseLong(flag.group(1));
    }

    private Path config(String... lines) throws IOException {
        return Files.writeString(dir.resolve("agent.conf"), String.join("\n", lines) + "\n");
    }

    @Test
    void serveCapsDirectMemoryAtTheConfigsBudgetPlus16MiB() throws Exception {
        Path conf = config("memory_budget = 512MiB");
        assertThat(maxDirectMemory("serve --config " + conf)).isEqualTo((512L << 20) + (16L << 20));
        assertThat(maxDirectMemory("serve --config=" + conf)).isEqualTo((512L << 20) + (16L << 20));

        config("# the agent's own reader: a comment after the value, any spacing", "  memory_budget=512MiB   # all jobs");
        assertThat(maxDirectMemory("serve --config " + conf)).isEqualTo((512L << 20) + (16L << 20));
        config("memory_budget = 512MiB # comment");
        assertThat(maxDirectMemory("serve --config " + conf)).isEqualTo((512L << 20) + (16L << 20));
    }

    @Test
    void serveWithEveryKindOfStoreIsCappedAndTrimmed() throws Exception {
        // the config reader runs in the launcher's own short JVM: a store whose settings need a class outside
        // its class path made it print nothing, and the daemon then ran without the cap (a ceph store did)
        Path credentials = Files.writeString(dir.resolve("credentials"), "[default]\n");
        Path conf = config("memory_budget = 128MiB",
                "store.s3.type = s3", "store.s3.endpoint = http://127.0.0.1:1", "store.s3.credentials_file = " + credentials,
                "store.swift.type = swift", "store.swift.auth_url = http://127.0.0.1:1/auth/1.0",
                "store.swift.credentials_file = " + credentials,
                "store.backups.type = ceph", "store.backups.conf = " + dir.resolve("backup.conf"),
                "store.backups.user = restore-agent", "store.backups.pool = backups");
        Run run = run(LAUNCHER + " serve --config " + conf, "-XX:+PrintFlagsFinal -version");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(maxDirectMemory(run)).isEqualTo((128L << 20) + (16L << 20));
        assertThat(run.stdout()).containsPattern("TrimNativeHeapInterval\\s+= 5000 ");
    }

    @Test
    void restoreCapsDirectMemoryAtItsBudgetGivenEitherWay() throws Exception {
        assertThat(maxDirectMemory("restore --image - --to x --memory-budget 1GiB")).isEqualTo(1L << 30);
        assertThat(maxDirectMemory("restore --memory-budget=1GiB --image - --to x")).isEqualTo(1L << 30);
        assertThat(maxDirectMemory("restore --image - --to x")).as("the default budget").isEqualTo(256L << 20);
    }

    @Test
    void aBudgetThatIsNotASizeSetsNoCapAndTheAgentSaysWhy() throws Exception {
        Run restore = run(LAUNCHER + " restore --image " + dir.resolve("none.img") + " --to " + dir.resolve("x")
                + " --memory-budget lots", "-XX:+PrintFlagsFinal");
        assertThat(restore.exitCode()).isEqualTo(2);
        assertThat(restore.stderr()).contains("not a size: 'lots'");
        assertThat(maxDirectMemory(restore)).isZero();

        Path conf = config("memory_budget = lots");
        Run serve = run(LAUNCHER + " serve --config " + conf, "-XX:+PrintFlagsFinal");
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.stderr()).isEqualTo("restore-agent: " + conf
                + " line 1: memory_budget: not a size: 'lots' (use e.g. 4096, 64MiB, 1GiB)\n");
        assertThat(maxDirectMemory(serve)).isZero();
    }

    @Test
    void theAgentStillRunsWhenWorkingOutTheOptionsFails() throws Exception {
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\ncase \"$*\" in *LauncherOptions*) echo broken >&2; exit 1 ;; esac\n"
                + "exec java \"$@\"\n");
        java.toFile().setExecutable(true);

        Run version = run("JAVA=" + java + " " + LAUNCHER + " --version", "-XX:+PrintFlagsFinal");

        assertThat(version.exitCode()).as(version.stderr()).isZero();
        assertThat(version.stdout()).contains("restore-agent 0.1.0");
        assertThat(maxDirectMemory(version)).isZero();
        assertThat(version.stderr()).doesNotContain("broken");
    }

    @Test
    void thePackagesLayoutFindsTheClassesToo() throws Exception {
        // as /usr/bin/restore-agent runs it: every jar in one directory, the agent's named by version
        Path lib = Files.createDirectories(dir.resolve("lib"));
        try (var jars = Files.list(HOME.resolve("agent/target/lib"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar);
            }
        }
        Path agentJar = Files.createSymbolicLink(lib.resolve("agent-0.1.0.jar"),
                HOME.resolve("agent/target/restore-agent.jar"));
        Path conf = config("memory_budget = 64MiB");

        assertThat(maxDirectMemory("RESTORE_AGENT_LIB=" + lib + " RESTORE_AGENT_JAR=" + agentJar,
                "serve --config " + conf)).isEqualTo((64L << 20) + (16L << 20));
    }

    @Test
    void versionAndUsage() throws Exception {
        Run version = run(LAUNCHER + " --version", "");
        assertThat(version.stdout().strip()).isEqualTo("restore-agent 0.1.0");
        Run help = run(LAUNCHER + " --help", "");
        assertThat(help.stdout()).contains("restore").contains("Exit codes:");
        assertThat(List.of(run(LAUNCHER + " restore", "").exitCode())).containsExactly(2);
    }

    @Test
    void theClassDataArchiveIsMadeOnThisNodeMappedAtStartAndOneThatDoesNotFitIsIgnoredSilently() throws Exception {
        Path archive = dir.resolve("agent.jsa");
        String cds = "RESTORE_AGENT_CDS=" + archive + " ";

        Run made = run(cds + HOME.resolve("bin/restore-agent-cds"), "");
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        assertThat(made.stdout()).startsWith("restore-agent-cds: " + archive);
        assertThat(archive).isNotEmptyFile();

        // the agent's own classes come from the archive, not from its jar (the S3 client's: package-test.sh)
        Run mapped = run(cds + LAUNCHER + " list --help", "-Xlog:class+load=info");
        assertThat(mapped.exitCode()).as(mapped.stderr()).isZero();
        assertThat(mapped.stdout()).contains("dev.restoreagent.agent.cli.AgentMain source: shared objects file (top)");

        // an archive of another JVM or class path, or none of the JVM's at all: the agent runs as without one
        Files.writeString(archive, "not an archive");
        Run ignored = run(cds + LAUNCHER + " list --help", "");
        assertThat(ignored.exitCode()).isZero();
        assertThat(ignored.stdout()).startsWith("Usage: restore-agent list");
        assertThat(ignored.stderr()).isEmpty();
    }
}
