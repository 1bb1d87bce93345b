package dev.restoreagent.agent;

import dev.restoreagent.agent.cli.ExitCode;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.image.ImageSource;
import dev.restoreagent.io.memory.DirectMemory;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.testkit.ImageFormat;
import dev.restoreagent.testkit.ImageStreams;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Image streams in every format, found by their magic bytes, restore byte-exact. */
class ImageStreamTest {
    @TempDir
    Path dir;
    private Path volume;
    private long directBefore;

    @BeforeEach
    void setUp() throws Exception {
        directBefore = DirectMemory.usedBytes();
        volume = dir.resolve("disk.img");
        Volumes.write(volume, (6L << 20) + 4321, 11, VolumeShape.DISK_LIKE);
    }

    @AfterEach
    void everyBufferIsFreed() {
        assertThat(DirectMemory.usedBytes()).isEqualTo(directBefore);
    }

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void everyFormatIsDetectedAndRestored(ImageFormat format) throws Exception {
        Path image = dir.resolve("disk." + format.cliName());
        ImageStreams.write(volume, image, format);
        Path target = dir.resolve("restored-" + format.cliName());

        TestSupport.restore(ImageSource.of(image.toString(), null), target, new MemoryBudget(64L << 20),
                new RestoreSettings(256 * 1024, 4, 0, RestoreSettings.DEFAULT_ZSTD_WINDOW_LOG_MAX, false));

        assertThat(TestSupport.sha256(target)).isEqualTo(TestSupport.sha256(volume));
    }

    /** What {@code zstd FILE} writes: one frame that records its content size. */
    private Path zstdWithContentSize() throws Exception {
        Path image = dir.resolve("disk.img.zst");
        assertThat(new ProcessBuilder("zstd", "-q", "-f", "-3", volume.toString(), "-o", image.toString()).start()
                .waitFor()).isZero();
        return image;
    }

    @Test
    void rawAndZstdImageFilesDeclareTheirSizeUpFront() throws Exception {
        long size = Files.size(volume);
        assertThat(ImageSource.of(volume.toString(), Codec.NONE).extentBytes()).isEqualTo(size);
        assertThat(ImageSource.of(volume.toString(), null).extentBytes()).as("sniffed as raw").isEqualTo(size);
        assertThat(ImageSource.of(zstdWithContentSize().toString(), null).declaredBytes()).isEqualTo(size);
        assertThat(ImageSource.of(zstdWithContentSize().toString(), null).extentBytes())
                .as("a zstd stream's framing ends it, not its first frame's header").isEqualTo(-1);
        assertThat(ImageSource.of(zstdWithContentSize().toString(), null).totalBytes()).as("what progress counts to")
                .isEqualTo(size);
        Path streamed = dir.resolve("streamed.zst");
        ImageStreams.write(volume, streamed, ImageFormat.ZSTD);
        assertThat(ImageSource.of(streamed.toString(), null).declaredBytes()).as("no content size recorded")
                .isEqualTo(-1);
        Path bz2 = dir.resolve("disk.bz2");
        ImageStreams.write(volume, bz2, ImageFormat.BZ2);
        assertThat(ImageSource.of(bz2.toString(), null).declaredBytes()).isEqualTo(-1);
    }

    @Test
    void aTargetTooSmallForTheDeclaredSizeIsRefusedBeforeTheFirstWrite() throws Exception {
        Path small = Files.write(dir.resolve("small.img"), new byte[1 << 20]);

        TestSupport.CliRun run = TestSupport.cli("restore", "--image", zstdWithContentSize().toString(), "--to",
                small.toString(), "--progress", "none");

        assertThat(run.exitCode()).isEqualTo(ExitCode.TARGET);
        assertThat(run.stderr()).startsWith("restore-agent: target " + small + " holds 1048576 bytes, but the data of"
                + " image " + dir.resolve("disk.img.zst") + " extends to " + Files.size(volume) + " bytes");
        assertThat(Files.readAllBytes(small)).containsOnly(0);
    }

    @Test
    void truncatedZstdImageFailsAndMarksTheTarget() throws Exception {
        Path image = dir.resolve("disk.zst");
        ImageStreams.write(volume, image, ImageFormat.ZSTD);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(file.length() - 100);
        }
        Path target = dir.resolve("restored.img");

        TestSupport.CliRun run = TestSupport.cli("restore", "--image", image.toString(), "--to", target.toString(),
                "--progress", "none");

        assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(run.stderr()).startsWith("restore-agent: object " + image + " (image) is truncated: its zstd"
                + " data ends after " + (Files.size(image)) + " compressed bytes, inside a frame");
        assertThat(run.stderr()).contains("is incomplete and marked so");
    }

    @Test
    void streamLargerThanTheTargetStopsAtItsEnd() throws Exception {
        Path image = dir.resolve("disk.bz2");
        ImageStreams.write(volume, image, ImageFormat.BZ2);
        Path small = Files.write(dir.resolve("small.img"), new byte[1 << 20]);

        TestSupport.CliRun run = TestSupport.cli("restore", "--image", image.toString(), "--to", small.toString(),
                "--progress", "none", "--buffer-size", "64KiB");

        assertThat(run.exitCode()).isEqualTo(ExitCode.TARGET);
        assertThat(run.stderr()).startsWith("restore-agent: write of 65536 bytes at offset 1048576 would pass the"
                + " end of target " + small + " (1048576 bytes)");
        assertThat(Files.size(small)).isEqualTo(1 << 20);
    }
}
