package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZlibToGzipTest {
    @TempDir
    Path dir;

    private Path volume() throws IOException {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        Arrays.fill(bytes, 100_000, 200_000, (byte) 'a');
        return Files.write(dir.resolve("volume"), bytes);
    }

    private static byte[] zlib(byte[] data) {
        Deflater deflater = new Deflater(6); // a zlib stream, as Python's zlib.compress writes
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[data.length + 1024];
        int n = deflater.deflate(out);
        deflater.end();
        return Arrays.copyOf(out, n);
    }

    @Test
    void theGzipFrameDecodesToTheObjectsVolumeRangeWithItsCrcAndLength() throws IOException {
        Path volume = volume();
        byte[] range = Arrays.copyOfRange(Files.readAllBytes(volume), 50_000, 250_000);
        Path object = Files.write(dir.resolve("object"), zlib(range));

        Path gz = ZlibToGzip.convert(object, volume, 50_000, 200_000, dir.resolve("object.gz"));

        // GZIPInputStream checks the trailer's CRC-32 and length against what it decoded
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(range);
        }
    }

    @Test
    void aWrongVolumeRangeGivesATrailerThatFails() throws IOException {
        Path volume = volume();
        byte[] range = Arrays.copyOfRange(Files.readAllBytes(volume), 50_000, 250_000);
        Path object = Files.write(dir.resolve("object"), zlib(range));

        Path gz = ZlibToGzip.convert(object, volume, 50_001, 200_000, dir.resolve("object.gz"));

        assertThatThrownBy(() -> {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void somethingThatIsNotAZlibStreamIsRefused() throws IOException {
        Path volume = volume();
        Path object = Files.write(dir.resolve("object"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0});

        assertThatThrownBy(() -> ZlibToGzip.convert(object, volume, 0, 10, dir.resolve("object.gz")))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a zlib stream");
    }
}
