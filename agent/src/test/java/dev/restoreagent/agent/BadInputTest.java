package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.ObjectEntry;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input: each case gives its exact one-sentence error and exit code, and the target keeps its
 * incomplete mark. The target is an existing file filled with 0xAB, so any write shows. Decoding
 * runs on three threads with small buffers, so later objects are being decoded, and written, when
 * one fails; the cases restored in order (one decode thread) also show that nothing of an object
 * after the failed one is written.
 */
class BadInputTest {
    private static final int OBJECT = 8 * 32768;
    private static final int OBJECTS = 4;
    private static final byte FILL = (byte) 0xab;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Path volume;
    private Path target;
    private long directBefore;

    @BeforeEach
    void setUp() throws IOException {
        directBefore = DirectMemory.usedBytes();
        volume = dir.resolve("volume");
        // no zero runs, so that every restored byte differs from the fill
        Volumes.write(volume, (long) OBJECT * OBJECTS, 99, new VolumeShape(0.0, 0.5, 64 * 1024));
        target = dir.resolve("target.img");
        byte[] fill = new byte[OBJECT * OBJECTS];
        Arrays.fill(fill, FILL);
        Files.write(target, fill);
    }

    @AfterEach
    void everyBufferIsFreed() {
        assertThat(DirectMemory.usedBytes()).isEqualTo(directBefore);
    }

    private CinderBackup backup(String compression) throws IOException {
        return CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(OBJECT).compression(compression)
                .write(volume);
    }

    private TestSupport.CliRun restore(CinderBackup backup, Path to) {
        return restore(backup, to, 3);
    }

    private TestSupport.CliRun restoreInOrder(CinderBackup backup, Path to) {
        return restore(backup, to, 1);
    }

    private TestSupport.CliRun restore(CinderBackup backup, Path to, int decoders) {
        return TestSupport.cli("restore", "--backup-root", backup.backupRoot().toString(), "--backup-id",
                backup.backupId(), "--to", to.toString(), "--decoders", Integer.toString(decoders), "--buffer-size",
                "64KiB", "--queue-depth", "6", "--progress", "none", "--state-dir", dir.resolve("state").toString(),
                // the cases here are about md5 and lengths; Sha256VerificationTest covers the sha256 blocks
                "--verify", "md5");
    }

    private static String name(CinderBackup backup, int index) {
        return backup.objects().get(index).name();
    }

    private void editMetadata(CinderBackup backup, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(backup.metadataPath().toFile());
        edit.accept(root);
        Files.writeString(backup.metadataPath(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    private static ObjectNode objectBody(ObjectNode root, int index) {
        ObjectNode entry = (ObjectNode) root.withArray("objects").get(index);
        return (ObjectNode) entry.elements().next();
    }

    private void corrupt(CinderBackup backup, int index, long at) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(backup.objectPath(name(backup, index)).toFile(), "rw")) {
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0xff);
        }
    }

    private void truncate(CinderBackup backup, int index, long length) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(backup.objectPath(name(backup, index)).toFile(), "rw")) {
            file.setLength(length);
        }
    }

    /** No byte of an object after the failed one was written: true of a restore in order. */
    private void assertNothingWrittenAfter(int failed) throws IOException {
        byte[] now = Files.readAllBytes(target);
        for (int i = (failed + 1) * OBJECT; i < now.length; i++) {
            assertThat(now[i]).as("byte %d of an object after the failure", i).isEqualTo(FILL);
        }
    }

    private void assertTargetUntouched() throws IOException {
        byte[] now = Files.readAllBytes(target);
        for (int i = 0; i < now.length; i++) {
            assertThat(now[i]).as("byte %d", i).isEqualTo(FILL);
        }
    }

    private String incompleteLine() {
        return "restore-agent: target " + target + " is incomplete and marked so (extended attribute"
                + " user.restore-agent.incomplete of " + target + ")";
    }

    private static String firstLine(TestSupport.CliRun run) {
        return run.stderr().lines().findFirst().orElse("");
    }

    @Test
    void flippedByteInARawObjectFailsItsMd5() throws Exception {
        CinderBackup backup = backup("none");
        corrupt(backup, 1, 1000);
        byte[] bad = Files.readAllBytes(backup.objectPath(name(backup, 1)));
        String actual = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bad));

        TestSupport.CliRun run = restoreInOrder(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).isEqualTo("restore-agent: object " + name(backup, 1) + " (backup "
                + backup.backupId() + ") at offset " + OBJECT + " failed verification: md5 expected "
                + backup.objects().get(1).md5() + " but was " + actual);
        assertThat(run.stderr()).contains(incompleteLine());
        assertNothingWrittenAfter(1);
    }

    @Test
    void corruptZstdObject() throws Exception {
        CinderBackup backup = backup("zstd");
        // the frame header descriptor: reserved bit set, content-size flags garbled
        corrupt(backup, 2, 4);

        TestSupport.CliRun run = restoreInOrder(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).startsWith("restore-agent: object " + name(backup, 2) + " (backup "
                + backup.backupId() + ") has corrupt zstd data near compressed byte ");
        assertNothingWrittenAfter(2);
    }

    @Test
    void corruptZlibObject() throws Exception {
        CinderBackup backup = backup("zlib");
        corrupt(backup, 1, 1);

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).isEqualTo("restore-agent: object " + name(backup, 1) + " (backup "
                + backup.backupId() + ") has corrupt zlib data near compressed byte 2: incorrect header check");
        assertThat(run.stderr()).contains(incompleteLine());
    }

    @Test
    void corruptBzip2Object() throws Exception {
        CinderBackup backup = backup("bz2");
        corrupt(backup, 1, 200);

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).startsWith("restore-agent: object " + name(backup, 1) + " (backup "
                + backup.backupId() + ") ");
        assertThat(firstLine(run)).containsAnyOf("bzip2 data", "failed verification: md5");
        assertThat(run.stderr()).contains(incompleteLine());
    }

    @Test
    void truncatedZstdObject() throws Exception {
        CinderBackup backup = backup("zstd");
        long half = Files.size(backup.objectPath(name(backup, 1))) / 2;
        truncate(backup, 1, half);

        TestSupport.CliRun run = restoreInOrder(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).isEqualTo("restore-agent: object " + name(backup, 1) + " (backup "
                + backup.backupId() + ") is truncated: its zstd data ends after " + half
                + " compressed bytes, inside a frame");
        assertNothingWrittenAfter(1);
    }

    @Test
    void truncatedZlibObject() throws Exception {
        CinderBackup backup = backup("zlib");
        long half = Files.size(backup.objectPath(name(backup, 2))) / 2;
        truncate(backup, 2, half);

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).isEqualTo("restore-agent: object " + name(backup, 2) + " (backup "
                + backup.backupId() + ") is truncated: its zlib stream ends after " + half
                + " compressed bytes without its end marker");
        assertThat(run.stderr()).contains(incompleteLine());
    }

    @Test
    void truncatedBzip2Object() throws Exception {
        CinderBackup backup = backup("bz2");
        long half = Files.size(backup.objectPath(name(backup, 1))) / 2;
        truncate(backup, 1, half);

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).startsWith("restore-agent: object " + name(backup, 1) + " (backup "
                + backup.backupId() + ") is truncated or corrupt: its bzip2 data ends after " + half
                + " compressed bytes");
        assertThat(run.stderr()).contains(incompleteLine());
    }

    @Test
    void md5MismatchInMetadata() throws Exception {
        CinderBackup backup = backup("zstd");
        String wrong = "0123456789abcdef0123456789abcdef";
        editMetadata(backup, root -> objectBody(root, 2).put("md5", wrong));

        TestSupport.CliRun run = restoreInOrder(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).isEqualTo("restore-agent: object " + name(backup, 2) + " (backup "
                + backup.backupId() + ") at offset " + 2 * OBJECT + " failed verification: md5 expected " + wrong
                + " but was " + backup.objects().get(2).md5());
        assertNothingWrittenAfter(2);
    }

    @Test
    void recordedLengthLongerThanTheData() throws Exception {
        CinderBackup backup = backup("zlib");
        editMetadata(backup, root -> objectBody(root, 3).put("length", OBJECT + 100));
        Path fresh = dir.resolve("fresh.img");

        TestSupport.CliRun run = restore(backup, fresh);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).isEqualTo("restore-agent: object " + name(backup, 3) + " (backup "
                + backup.backupId() + ") decodes to " + OBJECT + " bytes, but its recorded length is "
                + (OBJECT + 100));
    }

    @Test
    void objectThatInflatesPastItsLength() throws Exception {
        CinderBackup backup = backup("zstd");
        editMetadata(backup, root -> objectBody(root, 3).put("length", OBJECT - 70_000));

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(firstLine(run)).isEqualTo("restore-agent: object " + name(backup, 3) + " (backup "
                + backup.backupId() + ") inflates past its recorded length of " + (OBJECT - 70_000) + " bytes");
        // nothing past the recorded end of the object was written
        byte[] now = Files.readAllBytes(target);
        for (int i = 4 * OBJECT - 70_000; i < now.length; i++) {
            assertThat(now[i]).as("byte %d past the recorded length", i).isEqualTo(FILL);
        }
    }

    @Test
    void missingObjectFile() throws Exception {
        CinderBackup backup = backup("zstd");
        Files.delete(backup.objectPath(name(backup, 2)));

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr()).isEqualTo("restore-agent: backup " + backup.backupId() + ": object "
                + name(backup, 2) + " listed in its metadata is missing from container " + backup.containerDir()
                + System.lineSeparator());
        assertTargetUntouched();
    }

    @Test
    void extraObjectFile() throws Exception {
        CinderBackup backup = backup("zstd");
        String extra = backup.prefix() + "-00005";
        Files.write(backup.containerDir().resolve(extra), new byte[10]);

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(firstLine(run)).isEqualTo("restore-agent: backup " + backup.backupId() + ": container "
                + backup.containerDir() + " holds " + extra + ", which its metadata does not list");
        assertTargetUntouched();
    }

    @Test
    void unknownVersion() throws Exception {
        CinderBackup backup = backup("zstd");
        editMetadata(backup, root -> root.put("version", "1.0.1"));

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(firstLine(run)).isEqualTo("restore-agent: metadata " + backup.metadataPath()
                + " has version '1.0.1'; only backup format version 1.0.0 is supported");
        assertTargetUntouched();
    }

    @Test
    void unknownCompressionTag() throws Exception {
        CinderBackup backup = backup("zstd");
        editMetadata(backup, root -> objectBody(root, 1).put("compression", "lz4"));

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(firstLine(run)).isEqualTo("restore-agent: metadata " + backup.metadataPath() + ": object "
                + name(backup, 1) + " has unknown compression tag 'lz4' (known: none, off, no, zlib, gzip, bz2,"
                + " bzip2, zstd)");
        assertTargetUntouched();
    }

    @Test
    void tagsAreMatchedCaseInsensitively() throws Exception {
        CinderBackup backup = backup("zstd");
        editMetadata(backup, root -> objectBody(root, 1).put("compression", "ZStd"));

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
    }

    @Test
    void malformedMetadata() throws Exception {
        CinderBackup backup = backup("zstd");
        Files.writeString(backup.metadataPath(), "{\"version\": \"1.0.0\", \"objects\": [");

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(firstLine(run)).startsWith("restore-agent: metadata " + backup.metadataPath()
                + " is not valid JSON: ");
        assertTargetUntouched();
    }

    @Test
    void negativeOffset() throws Exception {
        CinderBackup backup = backup("zstd");
        editMetadata(backup, root -> objectBody(root, 1).put("offset", -1));

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(firstLine(run)).isEqualTo("restore-agent: metadata " + backup.metadataPath() + ": objects[1] ("
                + name(backup, 1) + ") has a negative offset (-1)");
        assertTargetUntouched();
    }

    @Test
    void overlappingObjects() throws Exception {
        CinderBackup backup = backup("zstd");
        editMetadata(backup, root -> objectBody(root, 2).put("offset", 2 * OBJECT - 1));

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(firstLine(run)).isEqualTo("restore-agent: metadata " + backup.metadataPath() + ": object "
                + name(backup, 2) + " at offset " + (2 * OBJECT - 1) + " overlaps object " + name(backup, 1)
                + " (" + OBJECT + " to " + 2 * OBJECT + ")");
        assertTargetUntouched();
    }

    @Test
    void hugeOffset() throws Exception {
        CinderBackup backup = backup("zstd");
        editMetadata(backup, root -> objectBody(root, 3).put("offset", Long.MAX_VALUE - 10));

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(firstLine(run)).isEqualTo("restore-agent: metadata " + backup.metadataPath() + ": objects[3] ("
                + name(backup, 3) + ") ends at offset " + (Long.MAX_VALUE - 10) + ", beyond any volume (1 PiB)");
        assertTargetUntouched();
    }

    @Test
    void objectNamesThatLeaveTheContainer() throws Exception {
        for (String hostile : new String[] {"../../../../etc/passwd", "..", "a//b", "/etc/passwd"}) {
            CinderBackup backup = backup("none");
            editMetadata(backup, root -> {
                ObjectNode entry = (ObjectNode) root.withArray("objects").get(0);
                String original = entry.fieldNames().next();
                entry.set(hostile, entry.get(original));
                entry.remove(original);
            });

            TestSupport.CliRun run = restore(backup, target);

            assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
            assertThat(firstLine(run)).isEqualTo("restore-agent: metadata " + backup.metadataPath()
                    + ": objects[0] has object name '" + hostile + "', which is not a plain object name");
        }
        assertTargetUntouched();
    }

    @Test
    void objectNamesWithLevelsAreNotInADirectoryContainer() throws Exception {
        // Swift and S3 names have '/' levels; in a directory they name nothing the listing holds
        CinderBackup backup = backup("none");
        editMetadata(backup, root -> {
            ObjectNode entry = (ObjectNode) root.withArray("objects").get(0);
            String original = entry.fieldNames().next();
            entry.set("a/b", entry.get(original));
            entry.remove(original);
        });

        TestSupport.CliRun run = restore(backup, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(firstLine(run)).contains("object a/b listed in its metadata is missing from container");
        assertTargetUntouched();
    }

    @Test
    void targetTooSmall() throws Exception {
        CinderBackup backup = backup("zstd");
        Path small = Files.write(dir.resolve("small.img"), new byte[OBJECT]);

        TestSupport.CliRun run = restore(backup, small);

        assertThat(run.exitCode()).isEqualTo(ExitCode.TARGET);
        assertThat(firstLine(run)).isEqualTo("restore-agent: target " + small + " holds " + OBJECT
                + " bytes, but the data of Cinder backup " + backup.backupId() + " (full) extends to "
                + (long) OBJECT * OBJECTS + " bytes");
        assertThat(Files.readAllBytes(small)).containsOnly(0);
    }

    @Test
    void missingParent() throws Exception {
        CinderBackup full = backup("zstd");
        Volumes.mutate(volume, dir.resolve("v1"), 5, 3);
        CinderBackup incremental = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(OBJECT)
                .compression("zstd").parent(full).write(dir.resolve("v1"));
        for (ObjectEntry entry : full.objects()) {
            Files.delete(full.objectPath(entry.name()));
        }
        Files.delete(full.metadataPath());
        Files.delete(full.sha256FilePath());

        TestSupport.CliRun run = restore(incremental, target);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(firstLine(run)).isEqualTo("restore-agent: parent backup " + full.backupId() + " of backup "
                + incremental.backupId() + " not found: not in its default container " + full.containerDir()
                + " nor anywhere under " + full.backupRoot());
        assertTargetUntouched();
    }
}
