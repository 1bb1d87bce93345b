package dev.restoreagent.agent;

import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.io.targets.FileTarget;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real block device: a loop device over a temp file (needs root). Under CI it must run; on a
 * developer machine without root or loop devices it is skipped.
 */
@Tag("root")
class BlockDeviceTest {
    private static final long DEVICE_BYTES = 12L << 20;

    @TempDir
    Path dir;
    private String device;

    @BeforeEach
    void attachLoopDevice() throws Exception {
        Path backing = dir.resolve("backing.img");
        try (RandomAccessFile file = new RandomAccessFile(backing.toFile(), "rw")) {
            file.setLength(DEVICE_BYTES);
        }
        String attached = run("losetup", "-f", "--show", backing.toString());
        boolean ci = "true".equals(System.getenv("CI"));
        if (!ci) {
            Assumptions.assumeTrue(attached != null, "no loop device (needs root)");
        }
        assertThat(attached).as("losetup under CI").isNotNull();
        device = attached.strip();
    }

    @AfterEach
    void detach() throws Exception {
        if (device != null) {
            run("losetup", "-d", device);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return process.waitFor(1, TimeUnit.MINUTES) && process.exitValue() == 0 ? out : null;
    }

    @Test
    void chainWithUnalignedExtentsRestoresOntoADeviceInPlace() throws Exception {
        Path v0 = dir.resolve("v0");
        Volumes.write(v0, (10L << 20) + 12_345, 3, VolumeShape.DISK_LIKE);
        CinderBackup full = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(32768L * 37)
                .shaBlockSizeBytes(32768).compression("zlib").write(v0);
        Path v1 = dir.resolve("v1");
        Volumes.mutate(v0, v1, 4, 9);
        CinderBackup incremental = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(32768L * 11)
                .shaBlockSizeBytes(32768).compression("bz2").parent(full).write(v1);
        try (FileTarget target = FileTarget.open(Path.of(device), -1, false, dir)) {
            assertThat(target.isBlockDevice()).isTrue();
            assertThat(target.capacityBytes()).isEqualTo(DEVICE_BYTES);
            assertThat(target.readsAsZeros()).isFalse();
        }

        TestSupport.CliRun run = TestSupport.cli("restore", "--backup-root", dir.resolve("backups").toString(),
                "--backup-id", incremental.backupId(), "--to", device, "--progress", "none",
                "--state-dir", dir.resolve("state").toString());

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
        assertThat(TestSupport.sha256(Path.of(device), Files.size(v1))).isEqualTo(TestSupport.sha256(v1));
        assertThat(dir.resolve("state/incomplete")).isEmptyDirectory();
    }

    @Test
    void failedRestoreLeavesTheDeviceMarkInTheStateDirectory() throws Exception {
        Path v0 = dir.resolve("v0");
        Volumes.write(v0, 4L << 20, 5, VolumeShape.DISK_LIKE);
        CinderBackup full = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("none").write(v0);
        try (RandomAccessFile object = new RandomAccessFile(full.objectPath(full.objects().get(2).name()).toFile(),
                "rw")) {
            object.seek(10);
            object.write(0x42 ^ object.read());
        }

        TestSupport.CliRun run = TestSupport.cli("restore", "--backup-root", dir.resolve("backups").toString(),
                "--backup-id", full.backupId(), "--to", device, "--progress", "none",
                "--state-dir", dir.resolve("state").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        Path mark = dir.resolve("state/incomplete").resolve(device.replace("/", "%2F"));
        assertThat(mark).hasContent(full.backupId());
        assertThat(run.stderr()).contains("is incomplete and marked so (marker file " + mark + ")");
    }
}
