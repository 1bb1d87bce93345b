package dev.restoreagent.agent;

import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line: options, messages, exit codes, summary and progress lines. */
class CliTest {
    @TempDir
    Path dir;

    private CinderBackup backup(String container) throws Exception {
        Path volume = dir.resolve("volume");
        Volumes.write(volume, (3L << 20) + 17, 5, VolumeShape.DISK_LIKE);
        CinderBackupWriter.Builder writer = CinderBackupWriter.builder(dir.resolve("backups"))
                .chunkSizeBytes(1L << 20).compression("zstd");
        if (container != null) {
            writer.container(container);
        }
        return writer.write(volume);
    }

    @Test
    void versionAndHelp() {
        TestSupport.CliRun version = TestSupport.cli("--version");
        assertThat(version.exitCode()).isZero();
        TestSupport.CliRun help = TestSupport.cli("restore", "--help");
        assertThat(help.exitCode()).isZero();
    }

    @Test
    void restoreByIdPrintsPlainProgressAndASummary() throws Exception {
        CinderBackup backup = backup(null);
        Path target = dir.resolve("out.img");

        TestSupport.CliRun run = TestSupport.cli("restore", "--backup-root", backup.backupRoot().toString(),
                "--backup-id", backup.backupId(), "--to", target.toString(), "--progress", "plain",
                "--progress-interval", "1");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExitCode.OK);
        assertThat(run.stderr()).containsPattern("restored Cinder backup " + backup.backupId() + " \\(full\\) to "
                + target + ": [0-9.]+ [KMG]iB written, [0-9.]+ [KMG]?i?B skipped as zero, [0-9.]+ [KMG]?i?B zeroed,"
                + " in [0-9.]+ s \\([0-9.]+ [KMG]?i?B/s\\); direct memory peak [0-9.]+ [KMG]?i?B of 256.0 MiB budget");
        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(dir.resolve("volume")));
    }

    @Test
    void restoreFromAUserContainerAndFromAnExportRecord() throws Exception {
        CinderBackup backup = backup("my/shared");
        Path record = Files.writeString(dir.resolve("record.json"), backup.exportRecordJson());

        TestSupport.CliRun byContainer = TestSupport.cli("restore", "--backup-root", backup.backupRoot().toString(),
                "--backup-id", backup.backupId(), "--container", "my/shared", "--to", dir.resolve("a").toString(),
                "--progress", "none");
        TestSupport.CliRun byRecord = TestSupport.cli("restore", "--backup-root", backup.backupRoot().toString(),
                "--cinder-record", record.toString(), "--to", dir.resolve("b").toString(), "--progress", "none");

        assertThat(byContainer.exitCode()).as(byContainer.stderr()).isZero();
        assertThat(byRecord.exitCode()).as(byRecord.stderr()).isZero();
        String want = TestSupport.sha256(dir.resolve("volume"));
        assertThat(TestSupport.sha256(dir.resolve("a"))).isEqualTo(want);
        assertThat(TestSupport.sha256(dir.resolve("b"))).isEqualTo(want);
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(TestSupport.cli("restore", "--to", "/tmp/x").exitCode()).isEqualTo(ExitCode.USAGE);
        TestSupport.CliRun noRoot = TestSupport.cli("restore", "--backup-id", "abcd-1234", "--to", "/tmp/x");
        assertThat(noRoot.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noRoot.stderr()).contains("--backup-root is required with --backup-id and --cinder-record");
        TestSupport.CliRun badSize = TestSupport.cli("restore", "--image", "x", "--to", "/tmp/x",
                "--memory-budget", "lots");
        assertThat(badSize.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badSize.stderr()).contains("not a size: 'lots'");
        // the one line that matters and a pointer, not the whole help above it
        TestSupport.CliRun unknown = TestSupport.cli("restore", "--image", "x", "--to", "/tmp/x", "--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.stderr().lines().toList()).containsExactly("restore-agent: Unknown option: '--frobnicate'",
                "Try 'restore-agent restore --help' for more.");
    }

    @Test
    void outputJsonPrintsTheJobAsTheApiShowsItOnOneLineOfStdout() throws Exception {
        Path image = dir.resolve("disk.img");
        dev.restoreagent.testkit.Volumes.write(image, 1L << 20, 3, dev.restoreagent.testkit.VolumeShape.DISK_LIKE);

        TestSupport.CliRun ok = TestSupport.cli("restore", "--image", image.toString(), "--to",
                dir.resolve("out.img").toString(), "--progress", "none", "--output", "json");
        TestSupport.CliRun bad = TestSupport.cli("restore", "--image", dir.resolve("missing").toString(), "--to",
                dir.resolve("out2.img").toString(), "--progress", "none", "-o", "json");

        assertThat(ok.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(ok.stdout().lines().count()).isEqualTo(1);
        com.fasterxml.jackson.databind.JsonNode done = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(ok.stdout());
        assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.get("bytes_done").asLong()).isEqualTo(1L << 20);
        assertThat(done.get("target").asText()).isEqualTo(dir.resolve("out.img").toString());
        assertThat(bad.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        com.fasterxml.jackson.databind.JsonNode failed = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(bad.stdout());
        assertThat(failed.get("state").asText()).isEqualTo("FAILED");
        assertThat(failed.get("error_kind").asText()).isEqualTo("BAD_INPUT");
        assertThat(failed.get("error").asText()).contains("does not exist");
    }

    @Test
    void serveRefusesABadConfigInOneLineWithUsage() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.conf"), "# agent\nmemory_budget = lots\n");

        TestSupport.CliRun run = TestSupport.cli("serve", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.stderr()).isEqualTo("restore-agent: " + config
                + " line 2: memory_budget: not a size: 'lots' (use e.g. 4096, 64MiB, 1GiB)" + System.lineSeparator());
        assertThat(run.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void hostileBackupIdIsRefused() {
        TestSupport.CliRun run = TestSupport.cli("restore", "--backup-root", dir.toString(), "--backup-id",
                "../../etc", "--to", dir.resolve("x").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.stderr()).startsWith("restore-agent: backup id '../../etc' is not a backup id");
    }

    @Test
    void missingTargetDirectoryIsATargetError() throws Exception {
        CinderBackup backup = backup(null);
        Path target = dir.resolve("no/such/dir/out.img");
        TestSupport.CliRun run = TestSupport.cli("restore", "--backup-root", backup.backupRoot().toString(),
                "--backup-id", backup.backupId(), "--to", target.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.TARGET);
        assertThat(run.stderr()).startsWith("restore-agent: cannot open target " + target
                + ": cannot create target " + target + ": directory " + target.getParent() + " does not exist");
    }
}
