package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TestkitMainTest {

    @TempDir Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        CommandLine cl = TestkitMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void makesVolumesChainsOfBackupsAndImages() throws IOException {
        Path root = tmp.resolve("root");
        String v0 = tmp.resolve("v0").toString();
        String v1 = tmp.resolve("v1").toString();

        assertThat(run("make-volume", "--out", v0, "--size", "1MiB", "--seed", "5")).isZero();
        assertThat(Files.size(Path.of(v0))).isEqualTo(1024 * 1024);
        assertThat(run("mutate-volume", "--in", v0, "--out", v1, "--seed", "6", "--changes", "3")).isZero();

        assertThat(
                        run("make-backup", "--root", root.toString(), "--volume", v0, "--backup-id",
                                "11111111-2222-3333-4444-555555555555", "--chunk-size", "96K", "--compression", "bz2"))
                .as(err.toString())
                .isZero();
        JsonNode full = new ObjectMapper().readTree(out.toString());
        assertThat(out.toString().strip()).doesNotContain("\n");
        assertThat(full.get("backup_id").asText()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(full.get("container").asText()).isEqualTo("11/11/11111111-2222-3333-4444-555555555555");
        assertThat(full.get("objects").asInt()).isEqualTo(11);
        assertThat(full.get("prefix").asText())
                .startsWith("volume_")
                .endsWith("_backup_11111111-2222-3333-4444-555555555555");

        assertThat(
                        run("make-backup", "--root", root.toString(), "--volume", v1, "--chunk-size", "64K",
                                "--parent-metadata", full.get("metadata").asText()))
                .as(err.toString())
                .isZero();
        JsonNode inc = new ObjectMapper().readTree(out.toString());
        CinderBackup read = CinderBackup.read(root, Path.of(inc.get("metadata").asText()));
        assertThat(read.parentId()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(read.objects()).hasSize(inc.get("objects").asInt()).isNotEmpty();

        Path image = tmp.resolve("v1.zst");
        assertThat(run("make-image", "--in", v1, "--out", image.toString(), "--format", "zstd-multi")).isZero();
        assertThat(Files.size(image)).isPositive();
    }

    @Test
    void usageAndExecutionErrorsGiveNonZeroExitCodes() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("make-image", "--in", "a", "--out", "b", "--format", "xz")).isEqualTo(2);
        assertThat(
                        run("make-backup", "--root", tmp.toString(), "--volume", tmp.resolve("v").toString(),
                                "--chunk-size", "100000"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("Chunk size is not multiple of block size for creating hash.");
    }
}
