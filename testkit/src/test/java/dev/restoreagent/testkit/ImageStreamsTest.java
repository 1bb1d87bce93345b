package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ImageStreamsTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void imageDecodesToTheRawVolumeAndStartsWithItsMagic(ImageFormat format) throws IOException {
        Path raw = tmp.resolve("raw");
        Volumes.write(raw, 3L * 1024 * 1024 + 4321, 21, VolumeShape.DISK_LIKE);
        Path image = tmp.resolve("image");

        ImageStreams.write(raw, image, format);

        byte[] head = Arrays.copyOf(Files.readAllBytes(image), 4);
        switch (format) {
            case RAW -> assertThat(image).hasSameBinaryContentAs(raw);
            case ZSTD, ZSTD_MULTI_FRAME -> assertThat(head).containsExactly(0x28, 0xB5, 0x2F, 0xFD);
            case ZLIB -> assertThat(Arrays.copyOf(head, 2)).containsExactly(0x78, 0x9C);
            case GZIP -> assertThat(Arrays.copyOf(head, 2)).containsExactly(0x1F, 0x8B);
            case BZ2 -> assertThat(head).containsExactly('B', 'Z', 'h', '9');
        }
        assertThat(decode(image, format)).isEqualTo(Files.readAllBytes(raw));
    }

    @Test
    void multiFrameImageHasOneIndependentFramePerMiB() throws IOException {
        Path raw = tmp.resolve("raw");
        Volumes.write(raw, 3L * 1024 * 1024 + 4321, 22, VolumeShape.DISK_LIKE);
        Path image = tmp.resolve("image");

        ImageStreams.write(raw, image, ImageFormat.ZSTD_MULTI_FRAME);

        byte[] bytes = Files.readAllBytes(image);
        int frames = 0;
        for (int at = 0; at < bytes.length; frames++) {
            byte[] frame = Arrays.copyOfRange(bytes, at, bytes.length);
            long frameSize = Zstd.findFrameCompressedSize(frame);
            assertThat(Zstd.getFrameContentSize(frame)).isEqualTo(frames < 3 ? 1024 * 1024 : 4321);
            at += (int) frameSize;
        }
        assertThat(frames).isEqualTo(4);
    }

    @Test
    void formatsHaveCommandLineNames() {
        assertThat(ImageFormat.fromCliName("zstd-multi")).isEqualTo(ImageFormat.ZSTD_MULTI_FRAME);
        assertThat(ImageFormat.fromCliName("BZ2")).isEqualTo(ImageFormat.BZ2);
        assertThat(ImageFormat.fromCliName("zstd_multi_frame")).isEqualTo(ImageFormat.ZSTD_MULTI_FRAME);
        assertThatThrownBy(() -> ImageFormat.fromCliName("xz")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] decode(Path image, ImageFormat format) throws IOException {
        InputStream file = Files.newInputStream(image);
        InputStream in =
                switch (format) {
                    case RAW -> file;
                    case ZSTD, ZSTD_MULTI_FRAME -> new ZstdInputStreamNoFinalizer(file);
                    case ZLIB -> new InflaterInputStream(file);
                    case GZIP -> new GZIPInputStream(file);
                    case BZ2 -> new BZip2CompressorInputStream(file);
                };
        try (in) {
            return in.readAllBytes();
        }
    }
}
