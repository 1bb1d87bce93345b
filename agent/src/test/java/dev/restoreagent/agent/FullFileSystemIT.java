package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.io.targets.XattrMarker;
import dev.restoreagent.testkit.CinderDriver;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file target whose file system fills up in the middle of the restore (issue 23): a 16 MiB ext4 on a loop
 * device (needs root; under {@code CI=true} it must run), mounted inside the daemon's allowed paths, and a
 * backup by Cinder's own posix driver whose data is twice that. Through the daemon, the job fails with one
 * sentence naming the target and ENOSPC, after it had written part of the data; the target keeps its incomplete
 * mark; the budget is given back and no thread of the restore is left; the daemon goes on serving. The one-shot
 * CLI says the same in one line, and exits 5.
 */
@Tag("root")
class FullFileSystemIT {
    private static final long MIB = 1 << 20;

    /** Kept when the test fails: the daemon's log (daemon/daemon.log) is what tells why. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private Path mountPoint;

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null) {
            // the loop device goes with the mount (mount -o loop sets autoclear)
            if (run("umount", mountPoint.toString()) != 0) {
                run("umount", "-l", mountPoint.toString());
            }
        }
    }

    @Test
    void aFileSystemThatFillsMidRestoreIsOneLineTheMarkStaysAndTheBudgetComesBack() throws Exception {
        CinderOwnDriverTest.requireCinder();
        try (DaemonProcess daemon = new DaemonProcess(Files.createDirectories(dir.resolve("daemon")))) {
            Path allowed = daemon.allowed();
            Path small = mountSmallExt4(allowed.resolve("small"), 16 * MIB);

            // 32 MiB of data with few zeros: twice what the file system holds
            Path volume = allowed.resolve("volume");
            Volumes.write(volume, 32 * MIB, 61, new VolumeShape(0.02, 0.5, 256 * 1024));
            String backupId = UUID.randomUUID().toString();
            CinderDriver cinder = CinderDriver.posix(allowed.resolve("backups"), dir.resolve("cinder"));
            cinder.backup(new CinderDriver.BackupSpec(volume, backupId, UUID.randomUUID().toString(), null, "zlib",
                    MIB, null, null), dir.resolve("record.json"));

            daemon.start("memory_budget = 32MiB", "");
            Path target = small.resolve("restored.img");
            String request = "{\"backup_root\": \"" + cinder.backupPath() + "\", \"backup_id\": \"" + backupId
                    + "\", \"to\": \"" + target + "\"}";
            String id = daemon.call("POST", "/v1/restores", request).body().get("id").asText();
            JsonNode job = daemon.awaitFinished(id);

            assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("FAILED");
            assertThat(job.get("error_kind").asText()).as(job.toString()).isEqualTo("TARGET");
            String error = job.get("error").asText();
            System.out.println("FullFileSystemIT: the job failed: " + error);
            assertThat(error).as("one sentence").doesNotContain("\n").contains(target.toString())
                    .containsIgnoringCase("no space left on device");
            // it failed in the middle: data had been written before the file system filled
            assertThat(job.get("bytes_written").asLong()).as(job.toString()).isPositive();
            assertThat(job.get("target_note").asText()).as(job.toString())
                    .isEqualTo("target " + target + " is incomplete and marked so (extended attribute user."
                            + XattrMarker.ATTRIBUTE + " of " + target + ")");
            assertThat(new XattrMarker(target).get()).as("the mark of the unfinished target").isPresent()
                    .get().asString().contains(backupId);
            daemon.awaitBudgetReturned();
            daemon.awaitNoRestoreThreads("after the full file system");
            assertThat(daemon.log()).contains("job " + id + " FAILED: " + error).doesNotContain("\tat ");

            // the daemon is not wedged: the same backup restores where there is room
            Path roomy = allowed.resolve("roomy.img");
            String next = daemon.call("POST", "/v1/restores", request.replace(target.toString(), roomy.toString()))
                    .body().get("id").asText();
            JsonNode restored = daemon.awaitFinished(next);
            assertThat(restored.get("state").asText()).as(restored.toString()).isEqualTo("SUCCEEDED");
            assertThat(TestSupport.sha256(roomy)).isEqualTo(TestSupport.sha256(volume));
            daemon.awaitBudgetReturned();

            // the one-shot CLI: exit 5, the failure in one line and the mark in another (notes aside), no stack trace
            Files.delete(target);
            Path byCli = small.resolve("by-cli.img");
            TestSupport.CliRun run = TestSupport.cli("restore", "--backup-root", cinder.backupPath().toString(),
                    "--backup-id", backupId, "--to", byCli.toString(), "--progress", "none", "--state-dir",
                    dir.resolve("cli-state").toString());
            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.TARGET);
            List<String> lines = run.stderr().lines().filter(line -> !line.startsWith("restore-agent: note: ")).toList();
            assertThat(lines).as(run.stderr()).hasSize(2);
            assertThat(lines.get(0)).startsWith("restore-agent: writing to target " + byCli + " failed: ")
                    .containsIgnoringCase("no space left on device");
            assertThat(lines.get(1)).isEqualTo("restore-agent: target " + byCli + " is incomplete and marked so"
                    + " (extended attribute user." + XattrMarker.ATTRIBUTE + " of " + byCli + ")");
            assertThat(new XattrMarker(byCli).get()).isPresent();
        }
    }

    /** Makes an ext4 of {@code bytes} in a file and mounts it on {@code at} through a loop device. */
    private Path mountSmallExt4(Path at, long bytes) throws Exception {
        Path image = dir.resolve("small-fs.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(bytes);
        }
        Files.createDirectories(at);
        // -m 0: no blocks kept for root, whom the daemon runs as here (they would be a second, later ENOSPC)
        boolean made = run("mkfs.ext4", "-q", "-F", "-m", "0", image.toString()) == 0;
        boolean mounted = made && run("mount", "-o", "loop", image.toString(), at.toString()) == 0;
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(mounted, "cannot make and loop-mount an ext4 here (needs root and mkfs.ext4)");
        }
        assertThat(mounted).as("mkfs.ext4 and mount -o loop under CI").isTrue();
        mountPoint = at;
        return at;
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        if (process.exitValue() != 0) {
            System.out.println("FullFileSystemIT: " + String.join(" ", command) + ": " + out.strip());
        }
        return process.exitValue();
    }
}
