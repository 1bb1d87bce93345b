package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.agent.source.cinder.CinderMetadataReader;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Backups made to hurt the agent rather than to restore: each is refused promptly, with exit code 3
 * and one line that names the limit or the thing at fault, never with a stack trace, a hang or an
 * exhausted heap, and the target is left as it was.
 */
class HostileInputTest {
    private static final int OBJECT = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROMPTLY = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Path target;
    private CinderBackup backup;
    private long directBefore;

    @BeforeEach
    void setUp() throws IOException {
        directBefore = DirectMemory.usedBytes();
        Path volume = dir.resolve("volume");
        Volumes.write(volume, 4L * OBJECT, 7, VolumeShape.DISK_LIKE);
        backup = CinderBackupWriter.builder(dir.resolve("backups")).chunkSizeBytes(OBJECT).compression("zlib")
                .write(volume);
        target = Files.write(dir.resolve("target.img"), new byte[4 * OBJECT]);
    }

    @AfterEach
    void everyBufferIsFreed() {
        assertThat(DirectMemory.usedBytes()).isEqualTo(directBefore);
    }

    private TestSupport.CliRun restore() {
        return assertTimeoutPreemptively(PROMPTLY, () -> TestSupport.cli("restore", "--backup-root",
                backup.backupRoot().toString(), "--backup-id", backup.backupId(), "--to", target.toString(),
                "--progress", "none", "--state-dir", dir.resolve("state").toString()));
    }

    /**
     * Exit 3 and exactly one line, the given one, and the target not even opened: the source is
     * refused before it.
     */
    private void assertRefused(TestSupport.CliRun run, String line) throws IOException {
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().toList()).containsExactly(line);
        assertThat(Files.readAllBytes(target)).containsOnly(0);
    }

    private String metadata() {
        return "restore-agent: metadata " + backup.metadataPath();
    }

    @Test
    void deeplyNestedJsonIsRefusedNamingTheLimit() throws Exception {
        String original = Files.readString(backup.metadataPath());
        int depth = 200_000;
        String nested = "[".repeat(depth) + "]".repeat(depth);
        Files.writeString(backup.metadataPath(), "{\"extra_metadata\": " + nested + "," + original.substring(1));

        assertRefused(restore(), metadata() + " is refused at line 1, column 52: Document nesting depth (33)"
                + " exceeds the maximum allowed (" + CinderMetadataReader.MAX_NESTING_DEPTH + ")");
    }

    @Test
    void aListOfMoreObjectsThanTheLimitIsRefusedBeforeItFillsTheHeap() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(backup.metadataPath().toFile());
        root.remove("objects");
        String head = JSON.writeValueAsString(root);
        try (BufferedWriter out = Files.newBufferedWriter(backup.metadataPath())) {
            out.write(head, 0, head.length() - 1);
            out.write(",\"objects\": [");
            for (int i = 0; i <= CinderMetadataReader.MAX_OBJECTS; i++) {
                out.write((i == 0 ? "" : ",") + "{\"" + backup.prefix() + String.format("-%05d", i + 1)
                        + "\": {\"compression\": \"zlib\", \"length\": 65536,"
                        + " \"md5\": \"0123456789abcdef0123456789abcdef\", \"offset\": " + (long) i * OBJECT + "}}");
            }
            out.write("]}");
        }

        assertRefused(restore(), metadata() + " lists more than " + CinderMetadataReader.MAX_OBJECTS
                + " objects, the most this agent reads from one backup");
    }

    @Test
    void aStringLongerThanTheLimitIsRefused() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(backup.metadataPath().toFile());
        ObjectNode entry = (ObjectNode) root.withArray("objects").get(1);
        ((ObjectNode) entry.elements().next()).put("md5", "0".repeat(CinderMetadataReader.MAX_STRING_CHARS + 1));
        Files.writeString(backup.metadataPath(), JSON.writeValueAsString(root));

        TestSupport.CliRun run = restore();

        assertThat(run.stderr().lines().findFirst().orElse("")).startsWith(metadata() + " is refused at line 1")
                .endsWith(": String value length (" + (CinderMetadataReader.MAX_STRING_CHARS + 1)
                        + ") exceeds the maximum allowed (" + CinderMetadataReader.MAX_STRING_CHARS + ")");
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    }

    @Test
    void aLongUnreadValueIsNoProblem() throws Exception {
        // volume_meta carries the volume's glance metadata and can be long; it is skipped, not read
        ObjectNode root = (ObjectNode) JSON.readTree(backup.metadataPath().toFile());
        root.put("volume_meta", "x".repeat(3 * CinderMetadataReader.MAX_STRING_CHARS));
        Files.writeString(backup.metadataPath(), JSON.writeValueAsString(root));

        TestSupport.CliRun run = restore();

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
    }

    @Test
    void anObjectThatIsAFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
        String name = backup.objects().get(2).name();
        Path object = backup.objectPath(name);
        Files.delete(object);
        assertThat(new ProcessBuilder("mkfifo", object.toString()).start().waitFor()).isZero();

        TestSupport.CliRun run = restore();

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().findFirst().orElse("")).isEqualTo("restore-agent: cannot open object " + name
                + " (backup " + backup.backupId() + "): " + object + " is a FIFO, not a regular file");
    }

    @Test
    void aMetadataFileThatIsAFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
        Files.delete(backup.metadataPath());
        assertThat(new ProcessBuilder("mkfifo", backup.metadataPath().toString()).start().waitFor()).isZero();

        TestSupport.CliRun run = restore();

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr().lines().count()).as(run.stderr()).isEqualTo(1);
        assertThat(run.stderr()).contains(backup.metadataPath().toString());
    }

    @Test
    void aNameWithANewlineIsPrintedEscapedOnOneLine() throws Exception {
        String forged = "evil\nrestore-agent: job forged SUCCEEDED\r\u001b[2J";
        ObjectNode root = (ObjectNode) JSON.readTree(backup.metadataPath().toFile());
        ObjectNode entry = (ObjectNode) root.withArray("objects").get(0);
        String original = entry.fieldNames().next();
        entry.set(forged, entry.get(original));
        entry.remove(original);
        Files.writeString(backup.metadataPath(), JSON.writeValueAsString(root));

        TestSupport.CliRun run = restore();

        assertRefused(run, "restore-agent: backup " + backup.backupId() + ": object"
                + " evil\\nrestore-agent: job forged SUCCEEDED\\r\\x1b[2J listed in its metadata is missing from container "
                + backup.objectPath(original).getParent());
    }

    @Test
    void aFileInTheContainerWithANewlineInItsNameIsPrintedEscaped() throws Exception {
        Path extra = backup.objectPath(backup.prefix() + "-99999\nrestore-agent: forged");
        Files.write(extra, new byte[1]);

        TestSupport.CliRun run = restore();

        assertRefused(run, "restore-agent: backup " + backup.backupId() + ": container "
                + extra.getParent() + " holds " + backup.prefix() + "-99999\\nrestore-agent: forged,"
                + " which its metadata does not list");
    }
}
