package dev.restoreagent.nativeb.isal;

import dev.restoreagent.nativeb.isal.raw.LibIsal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The binding on its own: the state's offsets, ISA-L's own zlib checks, the checker, the lifetime. */
class IsalInflaterTest {
    private static byte[] zlib(byte[] data) {
        Deflater deflater = new Deflater(6);
        try {
            deflater.setInput(data);
            deflater.finish();
            byte[] out = new byte[data.length + 1024];
            int n = deflater.deflate(out);
            assertThat(deflater.finished()).isTrue();
            return Arrays.copyOf(out, n);
        } finally {
            deflater.end();
        }
    }

    private static byte[] data() {
        byte[] data = new byte[200_000];
        Random random = new Random(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 5000 < 2000 ? 0 : random.nextInt(32));
        }
        return data;
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @Test
    void libisal230IsHere() {
        assertThat(IsalInflater.unavailableReason()).isNull();
    }

    @Test
    void aStreamInflatesIntoOutputBuffersOneAfterAnother() throws Exception {
        byte[] data = data();
        ByteBuffer in = direct(zlib(data));
        // each call writes into a fresh buffer: matches reach back into ISA-L's own history
        ByteBuffer out = ByteBuffer.allocateDirect(4096);
        byte[] decoded = new byte[data.length];
        int at = 0;
        try (IsalInflater inflater = IsalInflater.open()) {
            boolean ended = false;
            while (!ended) {
                out.clear();
                ended = inflater.inflate(in, out);
                out.flip().get(decoded, at, out.remaining());
                at += out.limit();
            }
        }
        assertThat(at).isEqualTo(data.length);
        assertThat(Arrays.equals(decoded, data)).isTrue();
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void aWrongAdler32IsFoundByIsal() {
        byte[] compressed = zlib(data());
        compressed[compressed.length - 1] ^= 1;
        try (IsalInflater inflater = IsalInflater.open()) {
            assertThatThrownBy(() -> inflater.inflate(direct(compressed), ByteBuffer.allocateDirect(300_000)))
                    .isInstanceOfSatisfying(IsalDataException.class, e -> {
                        assertThat(e.call()).isEqualTo("isal_inflate");
                        assertThat(e.code()).isEqualTo(LibIsal.ISAL_INCORRECT_CHECKSUM);
                        assertThat(e.reason()).isEqualTo("incorrect data check");
                    })
                    .hasMessageContaining("isal_inflate failed");
        }
    }

    @Test
    void badHeaderCheckBitsAreFoundByIsal() {
        byte[] compressed = zlib(data());
        compressed[1] ^= 1;
        try (IsalInflater inflater = IsalInflater.open()) {
            assertThatThrownBy(() -> inflater.inflate(direct(compressed), ByteBuffer.allocateDirect(300_000)))
                    .isInstanceOfSatisfying(IsalDataException.class,
                            e -> assertThat(e.reason()).isEqualTo("incorrect header check"));
        }
    }

    @Test
    void startBeginsAFreshStreamAfterAFailure() throws Exception {
        byte[] data = data();
        byte[] good = zlib(data);
        byte[] bad = good.clone();
        bad[1] ^= 1;
        try (IsalInflater inflater = IsalInflater.open()) {
            assertThatThrownBy(() -> inflater.inflate(direct(bad), ByteBuffer.allocateDirect(300_000)))
                    .isInstanceOf(IsalDataException.class);
            inflater.start();
            ByteBuffer out = ByteBuffer.allocateDirect(300_000);
            assertThat(inflater.inflate(direct(good), out)).isTrue();
            assertThat(out.position()).isEqualTo(data.length);
        }
    }

    @Test
    void heapBuffersAreRefused() {
        try (IsalInflater inflater = IsalInflater.open()) {
            assertThatThrownBy(() -> inflater.inflate(ByteBuffer.allocate(8), ByteBuffer.allocateDirect(8)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ISA-L reads and writes direct buffers only");
        }
    }

    @Test
    void closeFreesOnceAndUseAfterItFails() {
        IsalInflater inflater = IsalInflater.open();
        inflater.close();
        inflater.close();
        assertThatThrownBy(() -> inflater.inflate(ByteBuffer.allocateDirect(8), ByteBuffer.allocateDirect(8)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("IsalInflater closed");
        assertThatThrownBy(inflater::start).isInstanceOf(IllegalStateException.class);
    }

    /** Prints why ISA-L is not used, for {@link #anotherReleaseIsRefusedWithItsName}'s child JVM. */
    public static final class PrintReason {
        public static void main(String[] args) {
            System.out.println(IsalInflater.unavailableReason());
        }
    }

    @Test
    void anotherReleaseIsRefusedWithItsName(@TempDir Path dir) throws Exception {
        // the same library under the file name of 2.31: its layout is not known, so it is not used
        Files.copy(Path.of(realLibrary()), dir.resolve("libisal.so.2.0.31"));
        Files.createSymbolicLink(dir.resolve("libisal.so.2"), Path.of("libisal.so.2.0.31"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djna.library.path=" + dir, "-cp", System.getProperty("java.class.path"),
                PrintReason.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(child.waitFor()).isZero();
        assertThat(output).isEqualTo("libisal.so.2 is libisal.so.2.0.31, not ISA-L 2.30 (libisal.so.2.0.30),"
                + " the release whose inflate_state layout this build knows");
    }

    /** The file this JVM loaded libisal from, found as the binding finds it. */
    private static String realLibrary() throws Exception {
        assertThat(IsalInflater.isAvailable()).isTrue();
        try (var maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.contains("libisal.so")).findFirst().orElseThrow();
        }
    }
}
