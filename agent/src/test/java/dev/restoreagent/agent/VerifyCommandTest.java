package dev.restoreagent.agent;

import com.github.luben.zstd.Zstd;
import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code restore-agent verify}: a restored file read back against the backup's sha256file. */
class VerifyCommandTest {
    private static final int BLOCK = 32 * 1024;
    private static final int OBJECT = 8 * BLOCK;

    @TempDir
    Path dir;
    private Path volume;
    private Path target;

    @BeforeEach
    void setUp() throws Exception {
        volume = dir.resolve("volume");
        Volumes.write(volume, 5L * OBJECT + 777, 31, VolumeShape.DISK_LIKE);
        target = dir.resolve("restored.img");
    }

    private CinderBackup backup() throws Exception {
        return CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(OBJECT).shaBlockSizeBytes(BLOCK)
                .compression("zstd").write(volume);
    }

    private TestSupport.CliRun restore(CinderBackup backup) {
        return TestSupport.cli("restore", "--backup-root", backup.backupRoot().toString(), "--backup-id",
                backup.backupId(), "--to", target.toString(), "--progress", "none", "--state-dir",
                dir.resolve("state").toString());
    }

    private TestSupport.CliRun verify(CinderBackup backup) {
        return TestSupport.cli("verify", "--backup-root", backup.backupRoot().toString(), "--backup-id",
                backup.backupId(), "--target", target.toString(), "--buffer-size", "64KiB", "--state-dir",
                dir.resolve("state").toString());
    }

    @Test
    void aGoodRestoreVerifies() throws Exception {
        CinderBackup backup = backup();
        assertThat(restore(backup).exitCode()).isEqualTo(ExitCode.OK);

        TestSupport.CliRun run = verify(backup);

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
        assertThat(run.stderr()).startsWith("verified " + target + " against backup " + backup.backupId() + ": "
                + backup.sha256s().size() + " blocks of 32.0 KiB (");
    }

    @Test
    void aTamperedTargetFailsNamingItsFirstBadBlock() throws Exception {
        CinderBackup backup = backup();
        assertThat(restore(backup).exitCode()).isEqualTo(ExitCode.OK);
        long at = 3L * OBJECT + 2 * BLOCK + 100;
        try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x80);
        }

        TestSupport.CliRun run = verify(backup);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(run.stderr()).startsWith("restore-agent: target " + target + " differs from backup "
                + backup.backupId() + " in the block at offset " + (at - 100) + " (" + BLOCK
                + " bytes): sha256 expected " + backup.sha256s().get((int) (at / BLOCK)) + " but was ");
    }

    @Test
    void aShiftedTargetFailsAsCinderBug2155612Would() throws Exception {
        CinderBackup backup = backup();
        byte[] data = Files.readAllBytes(volume);
        byte[] shifted = new byte[data.length];
        // the data after the first object moved up by a block, as skipping zeros wrongly would do
        System.arraycopy(data, 0, shifted, 0, OBJECT);
        System.arraycopy(data, OBJECT + BLOCK, shifted, OBJECT, data.length - OBJECT - BLOCK);
        Files.write(target, shifted);

        TestSupport.CliRun run = verify(backup);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(run.stderr()).contains("in the block at offset " + OBJECT + " ");
    }

    @Test
    void aTargetSmallerThanTheVolumeIsATargetError() throws Exception {
        CinderBackup backup = backup();
        Files.write(target, new byte[OBJECT]);

        TestSupport.CliRun run = verify(backup);

        assertThat(run.exitCode()).isEqualTo(ExitCode.TARGET);
        assertThat(run.stderr()).isEqualTo("restore-agent: target " + target + " holds " + OBJECT
                + " bytes, less than the " + Files.size(volume) + " of backup " + backup.backupId() + "\n");
    }

    @Test
    void withoutASha256fileThereIsNothingToVerifyAgainst() throws Exception {
        CinderBackup backup = backup();
        Files.copy(volume, target);
        Files.delete(backup.sha256FilePath());

        TestSupport.CliRun run = verify(backup);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr()).startsWith("restore-agent: backup " + backup.backupId() + " cannot be verified: ");
    }

    @Test
    void verifyAfterReadsTheRestoredTargetBack() throws Exception {
        CinderBackup backup = backup();

        TestSupport.CliRun run = TestSupport.cli("restore", "--backup-root", backup.backupRoot().toString(),
                "--backup-id", backup.backupId(), "--to", target.toString(), "--progress", "none", "--state-dir",
                dir.resolve("state").toString(), "--verify-after");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
        assertThat(run.stderr()).endsWith("checked against the sha256 of each block (the backup), then read back: "
                + backup.sha256s().size() + " blocks match\n");
    }

    @Test
    void verifyAfterCatchesWhatTheMd5LetThrough() throws Exception {
        CinderBackup backup = backup();
        // an object changed together with its md5: md5 verification passes, the sha256file does not
        String name = backup.objects().get(1).name();
        Path object = backup.objectPath(name);
        byte[] data = Zstd.decompress(Files.readAllBytes(object), OBJECT);
        data[5] ^= 1;
        Files.write(object, Zstd.compress(data));
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        Files.writeString(backup.metadataPath(), Files.readString(backup.metadataPath())
                .replace(backup.objects().get(1).md5(), md5));

        TestSupport.CliRun run = TestSupport.cli("restore", "--backup-root", backup.backupRoot().toString(),
                "--backup-id", backup.backupId(), "--to", target.toString(), "--progress", "none", "--state-dir",
                dir.resolve("state").toString(), "--verify", "md5", "--verify-after");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(run.stderr()).startsWith("restore-agent: target " + target + " differs from backup "
                + backup.backupId() + " in the block at offset " + OBJECT + " ");
    }

    @Test
    void verifyAfterNeedsACinderBackup() throws Exception {
        TestSupport.CliRun run = TestSupport.cli("restore", "--image", volume.toString(), "--to", target.toString(),
                "--progress", "none", "--verify-after");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.stderr()).startsWith("restore-agent: --verify-after reads a target back against a Cinder backup's"
                + " sha256file; an --image has none");
    }
}
