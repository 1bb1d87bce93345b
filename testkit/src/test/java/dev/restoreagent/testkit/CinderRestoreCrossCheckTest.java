package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores backups written by {@link CinderBackupWriter} with src/test/python/cinder_restore.py, an independent
 * Python re-implementation of Cinder Zed's {@code _restore_v1}, and compares the result with the volume.
 * Skipped when python3 or zstd is missing, except with {@code CI=true}, where that is a failure.
 */
class CinderRestoreCrossCheckTest {

    private static final int SHA = 32_768;
    private static final Path SCRIPT = Path.of("src/test/python/cinder_restore.py");
    private static final List<String> ALL_TAGS = List.of("zlib", "gzip", "bz2", "bzip2", "zstd", "none", "off");

    @TempDir Path tmp;

    @BeforeAll
    static void requireTools() throws InterruptedException {
        for (String tool : List.of("python3", "zstd")) {
            if (!runs(tool, "--version")) {
                String reason = tool + " is not available";
                if ("true".equals(System.getenv("CI"))) {
                    fail(reason + " (required when CI=true)");
                }
                Assumptions.abort(reason);
            }
        }
        assertThat(SCRIPT).exists();
    }

    @Test
    void fullBackupWithMixedTagsRestoresToTheVolume() throws Exception {
        Path v0 = tmp.resolve("v0");
        Volumes.write(v0, 5L * 1024 * 1024 + 12_345, 31, VolumeShape.DISK_LIKE);
        Path root = tmp.resolve("root");

        CinderBackup full =
                CinderBackupWriter.builder(root)
                        .chunkSizeBytes(3L * SHA)
                        .compressionPerObject(i -> ALL_TAGS.get(i % ALL_TAGS.size()))
                        .write(v0);

        assertThat(full.objects()).extracting(ObjectEntry::compression).contains("zlib", "gzip", "bz2", "zstd", "none");
        assertThat(restore(root, full.backupId())).isEqualTo(TestSupport.sha256(v0));
    }

    @Test
    void twoIncrementChainWithMixedTagsRestoresToTheLastVolume() throws Exception {
        Path v0 = tmp.resolve("v0");
        Path v1 = tmp.resolve("v1");
        Path v2 = tmp.resolve("v2");
        Volumes.write(v0, 5L * 1024 * 1024 + 12_345, 32, VolumeShape.DISK_LIKE);
        Volumes.mutate(v0, v1, 33, 12);
        Volumes.mutate(v1, v2, 34, 12);
        Path root = tmp.resolve("root");
        // Another backup in the user container the second increment uses: restore must ignore its files.
        CinderBackupWriter.builder(root).container("shared/c").chunkSizeBytes(SHA).write(v0);

        CinderBackup full =
                CinderBackupWriter.builder(root).chunkSizeBytes(1024 * 1024 + SHA).compression("zstd").write(v0);
        CinderBackup inc1 =
                CinderBackupWriter.builder(root)
                        .parent(full)
                        .chunkSizeBytes(3L * SHA)
                        .compressionPerObject(i -> ALL_TAGS.get(i % ALL_TAGS.size()))
                        .write(v1);
        CinderBackup inc2 =
                CinderBackupWriter.builder(root)
                        .parent(inc1)
                        .container("shared/c")
                        .chunkSizeBytes(2L * SHA)
                        .compressionPerObject(i -> ALL_TAGS.get((i + 3) % ALL_TAGS.size()))
                        .write(v2);

        assertThat(inc1.objects()).extracting(ObjectEntry::compression).contains("zlib", "bz2", "none");
        assertThat(inc2.objects()).isNotEmpty();
        assertThat(restore(root, inc2.backupId())).isEqualTo(TestSupport.sha256(v2));
        assertThat(restore(root, inc1.backupId())).isEqualTo(TestSupport.sha256(v1));
    }

    private String restore(Path root, String backupId) throws IOException, InterruptedException {
        Path out = tmp.resolve("restored-" + backupId);
        Process p =
                new ProcessBuilder(
                                "python3", SCRIPT.toString(), "--strict", root.toString(), backupId, out.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return TestSupport.sha256(out);
    }

    private static boolean runs(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
