package dev.restoreagent.agent;

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
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --verify}: each layer's blocks against its own sha256file, md5 where that cannot be used
 * (and saying so under {@code auto}), both when asked. A block that fails is not written.
 */
class Sha256VerificationTest {
    private static final int BLOCK = 32 * 1024;
    private static final int OBJECT = 8 * BLOCK;
    private static final byte FILL = (byte) 0xab;

    @TempDir
    Path dir;
    private Path volume;
    private Path target;

    @BeforeEach
    void setUp() throws Exception {
        volume = dir.resolve("volume");
        // zero runs of whole blocks too, so the zero-block shortcut is taken
        Volumes.write(volume, 4L * OBJECT + 5000, 21, new VolumeShape(0.4, 0.3, 4 * BLOCK));
        target = dir.resolve("target.img");
        byte[] fill = new byte[(int) Files.size(volume)];
        Arrays.fill(fill, FILL);
        Files.write(target, fill);
    }

    private CinderBackup backup(String compression) throws Exception {
        return CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(OBJECT).shaBlockSizeBytes(BLOCK)
                .compression(compression).write(volume);
    }

    private TestSupport.CliRun restore(CinderBackup backup, String verify) {
        return TestSupport.cli("restore", "--backup-root", backup.backupRoot().toString(), "--backup-id",
                backup.backupId(), "--to", target.toString(), "--decoders", "1", "--buffer-size", "64KiB",
                "--progress", "none", "--state-dir", dir.resolve("state").toString(), "--verify", verify);
    }

    private static void flip(Path file, long at) throws Exception {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(at);
            int b = raw.read();
            raw.seek(at);
            raw.write(b ^ 0x01);
        }
    }

    /** The first block-aligned offset of the volume whose whole block is zero. */
    private long aZeroBlock() throws Exception {
        byte[] all = Files.readAllBytes(volume);
        for (int at = 0; at + BLOCK <= all.length; at += BLOCK) {
            int end = at + BLOCK;
            boolean zero = true;
            for (int i = at; i < end && zero; i++) {
                zero = all[i] == 0;
            }
            if (zero) {
                return at;
            }
        }
        throw new IllegalStateException("the volume has no zero block");
    }

    @Test
    void aGoodBackupIsCheckedBlockByBlockUnderAuto() throws Exception {
        for (String compression : new String[] {"zlib", "zstd", "bz2", "none"}) {
            TestSupport.CliRun run = restore(backup(compression), "auto");

            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
            assertThat(run.stderr()).endsWith("; checked against the sha256 of each block (the backup)\n");
            assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
        }
    }

    @Test
    void aFlippedByteFailsItsBlockWhichIsNotWrittenNorAnythingAfterIt() throws Exception {
        CinderBackup backup = backup("none");
        long at = 2L * OBJECT + 3 * BLOCK + 17;
        flip(backup.objectPath(backup.objects().get(2).name()), at - 2L * OBJECT);

        TestSupport.CliRun run = restore(backup, "sha256");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(run.stderr()).startsWith("restore-agent: object " + backup.objects().get(2).name() + " (backup "
                + backup.backupId() + "): the block at offset " + (at - 17) + " (" + BLOCK
                + " bytes) failed verification: sha256 expected ");
        assertThat(run.stderr()).contains("(sha256file " + backup.sha256FilePath() + ")");
        byte[] now = Files.readAllBytes(target);
        // the 64 KiB buffer holding the bad block, and everything after it, are not written
        for (long i = 2L * OBJECT + 2 * BLOCK; i < now.length; i++) {
            assertThat(now[(int) i]).as("byte %d", i).isEqualTo(FILL);
        }
    }

    @Test
    void aByteFlippedInsideAZeroBlockIsCaught() throws Exception {
        CinderBackup backup = backup("none");
        long zero = aZeroBlock();
        int object = (int) (zero / OBJECT);
        flip(backup.objectPath(backup.objects().get(object).name()), zero - (long) object * OBJECT + 100);

        TestSupport.CliRun run = restore(backup, "auto");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(run.stderr()).contains("the block at offset " + zero + " (" + BLOCK + " bytes) failed verification");
    }

    @Test
    void withoutASha256fileAutoFallsBackToMd5AndSaysSoWhileSha256Refuses() throws Exception {
        CinderBackup backup = backup("zlib");
        Files.delete(backup.sha256FilePath());

        TestSupport.CliRun auto = restore(backup, "auto");
        TestSupport.CliRun strict = restore(backup, "sha256");

        assertThat(auto.exitCode()).as(auto.stderr()).isEqualTo(ExitCode.OK);
        assertThat(auto.stderr()).startsWith("restore-agent: note: backup " + backup.backupId()
                + " is verified by md5: it has no sha256file (" + backup.sha256FilePath() + ")\n");
        assertThat(auto.stderr()).endsWith("; checked against the md5 of each object (the backup)\n");
        assertThat(strict.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(strict.stderr()).startsWith("restore-agent: backup " + backup.backupId()
                + " cannot be verified by sha256: it has no sha256file (" + backup.sha256FilePath() + ")");
    }

    @Test
    void anInconsistentOrBrokenSha256fileFallsBackUnderAuto() throws Exception {
        CinderBackup backup = backup("zstd");
        String good = Files.readString(backup.sha256FilePath());
        int firstHash = good.indexOf("\"sha256s\": [") + "\"sha256s\": [".length();
        // one hash fewer than the volume has blocks
        String shortList = good.substring(0, firstHash) + good.substring(good.indexOf(',', firstHash) + 1);
        Files.writeString(backup.sha256FilePath(), shortList);

        TestSupport.CliRun inconsistent = restore(backup, "auto");
        Files.writeString(backup.sha256FilePath(), "{\"sha256s\": [");
        TestSupport.CliRun broken = restore(backup, "auto");
        TestSupport.CliRun strict = restore(backup, "sha256");

        assertThat(inconsistent.exitCode()).as(inconsistent.stderr()).isEqualTo(ExitCode.OK);
        assertThat(inconsistent.stderr()).contains("is verified by md5: sha256file " + backup.sha256FilePath()
                + " lists " + (backup.sha256s().size() - 1) + " blocks of " + BLOCK + " bytes, but the volume of "
                + Files.size(volume) + " bytes has " + backup.sha256s().size());
        assertThat(broken.exitCode()).as(broken.stderr()).isEqualTo(ExitCode.OK);
        assertThat(broken.stderr()).contains("is verified by md5: sha256file " + backup.sha256FilePath()
                + " is not valid JSON: ");
        assertThat(strict.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
    }

    @Test
    void bothChecksTheMd5TooWhereSha256AloneWouldPass() throws Exception {
        CinderBackup backup = backup("zlib");
        String metadata = Files.readString(backup.metadataPath());
        String md5 = backup.objects().get(1).md5();
        Files.writeString(backup.metadataPath(), metadata.replace(md5, "0".repeat(32)));

        TestSupport.CliRun sha256 = restore(backup, "sha256");
        TestSupport.CliRun both = restore(backup, "both");

        assertThat(sha256.exitCode()).as(sha256.stderr()).isEqualTo(ExitCode.OK);
        assertThat(both.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(both.stderr()).contains("failed verification: md5 expected " + "0".repeat(32));
    }

    @Test
    void anIncrementalChainIsCheckedLayerByLayerAgainstEachLayersOwnFile() throws Exception {
        CinderBackup full = backup("zlib");
        try (RandomAccessFile raw = new RandomAccessFile(volume.toFile(), "rw")) {
            raw.seek(OBJECT + 5 * BLOCK + 3);
            raw.write(new byte[] {1, 2, 3, 4, 5, 6, 7});
        }
        CinderBackup increment = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(OBJECT)
                .compression("zstd").parent(full).write(volume);

        TestSupport.CliRun run = restore(increment, "auto");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
        assertThat(run.stderr()).endsWith("; checked against the sha256 of each block (2 layers)\n");
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
    }

    @Test
    void anUnknownModeIsAUsageError() throws Exception {
        TestSupport.CliRun run = restore(backup("none"), "crc32");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.stderr()).startsWith("restore-agent: verify must be auto, sha256, md5 or both, not 'crc32'");
    }
}
