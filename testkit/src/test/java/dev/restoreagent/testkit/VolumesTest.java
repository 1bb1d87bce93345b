package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumesTest {

    private static final int SHA = 32_768;

    @TempDir Path tmp;

    @Test
    void sameSeedGivesSameBytesAndExactSize() throws IOException {
        long size = 5L * 1024 * 1024 + 12_345;
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        Volumes.write(a, size, 42, VolumeShape.DISK_LIKE);
        Volumes.write(b, size, 42, VolumeShape.DISK_LIKE);
        Volumes.write(c, size, 43, VolumeShape.DISK_LIKE);

        assertThat(Files.size(a)).isEqualTo(size);
        assertThat(a).hasSameBinaryContentAs(b);
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
        // Pinned: the generator is fully specified, so the bytes must not depend on JVM or platform.
        assertThat(TestSupport.sha256(a)).isEqualTo("e53c844e6afee9d2c83107b75c3278f760f1432faae65061daeeca0fc386928d");
    }

    @Test
    void diskLikeVolumeMixesZeroBlocksTextAndRandomRuns() throws IOException {
        Path v = tmp.resolve("v");
        Volumes.write(v, 4L * 1024 * 1024 + 1, 1, VolumeShape.DISK_LIKE);
        byte[] data = Files.readAllBytes(v);

        int zeroBlocks = 0;
        int dataBlocks = 0;
        for (int from = 0; from < data.length; from += SHA) {
            boolean allZero = true;
            for (int i = from; i < Math.min(data.length, from + SHA) && allZero; i++) {
                allZero = data[i] == 0;
            }
            if (allZero) {
                zeroBlocks++;
            } else {
                dataBlocks++;
            }
        }
        assertThat(zeroBlocks).isPositive();
        assertThat(dataBlocks).isPositive();
        // Some zero runs end off any 512-byte boundary.
        boolean unalignedRunEnd = false;
        for (int i = 1; i < data.length && !unalignedRunEnd; i++) {
            unalignedRunEnd = data[i - 1] == 0 && data[i] != 0 && i % 512 != 0 && isZeroRun(data, i - 64, i);
        }
        assertThat(unalignedRunEnd).isTrue();
        // Neither all random nor all zero: it compresses, but not to nothing.
        double ratio = (double) deflatedSize(data) / data.length;
        assertThat(ratio).isBetween(0.05, 0.9);
    }

    @Test
    void textOnlyAndRandomOnlyShapes() throws IOException {
        Path text = tmp.resolve("text");
        Path random = tmp.resolve("random");
        Volumes.write(text, 256 * 1024, 3, new VolumeShape(0, 1, 4096));
        Volumes.write(random, 256 * 1024, 3, new VolumeShape(0, 0, 4096));

        byte[] t = Files.readAllBytes(text);
        for (byte b : t) {
            assertThat(b == ' ' || b == '\n' || (b >= 'a' && b <= 'z')).isTrue();
        }
        assertThat(deflatedSize(Files.readAllBytes(random))).isGreaterThan(256 * 1024);
        assertThatThrownBy(() -> new VolumeShape(0.8, 0.3, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyVolumeIsEmpty() throws IOException {
        Path v = tmp.resolve("v");
        Volumes.write(v, 0, 1, VolumeShape.DISK_LIKE);
        assertThat(Files.size(v)).isZero();
        assertThatThrownBy(() -> Volumes.mutate(v, tmp.resolve("w"), 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mutateZeroesNonZeroDataAndChangesSingleBytes() throws IOException {
        Path v0 = tmp.resolve("v0");
        Path v1 = tmp.resolve("v1");
        Path again = tmp.resolve("again");
        Volumes.write(v0, 3L * 1024 * 1024 + 7, 9, VolumeShape.DISK_LIKE);

        Volumes.mutate(v0, v1, 17, 8);
        Volumes.mutate(v0, again, 17, 8);

        assertThat(v1).hasSameBinaryContentAs(again);
        byte[] a = Files.readAllBytes(v0);
        byte[] b = Files.readAllBytes(v1);
        assertThat(b).hasSameSizeAs(a).isNotEqualTo(a);
        boolean zeroedData = false;
        boolean isolatedByte = false;
        for (int i = 0; i < a.length; i++) {
            zeroedData |= a[i] != 0 && b[i] == 0;
            isolatedByte |=
                    a[i] != b[i] && (i == 0 || a[i - 1] == b[i - 1]) && (i == a.length - 1 || a[i + 1] == b[i + 1]);
        }
        assertThat(zeroedData).isTrue();
        assertThat(isolatedByte).isTrue();
    }

    private static boolean isZeroRun(byte[] data, int from, int to) {
        for (int i = Math.max(0, from); i < to; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int deflatedSize(byte[] data) {
        Deflater d = new Deflater(6);
        try {
            d.setInput(data);
            d.finish();
            byte[] buf = new byte[64 * 1024];
            int total = 0;
            while (!d.finished()) {
                total += d.deflate(buf);
            }
            return total;
        } finally {
            d.end();
        }
    }
}
