package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.nativeb.isal.IsalInflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/** ISA-L and java.util.zip.Inflater decode the same zlib streams to the same output, and fail alike. */
class ZlibDecodersTest {
    @TempDir
    Path dir;

    private static byte[] zlib(byte[] data, int level) {
        Deflater deflater = new Deflater(level);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Disk-like: runs of zeros, of small random values, and of incompressible bytes. */
    private static byte[] data(int bytes) {
        byte[] data = new byte[bytes];
        Random random = new Random(bytes);
        for (int i = 0; i < bytes; i++) {
            int run = i / 4096 % 3;
            data[i] = (byte) (run == 0 ? 0 : run == 1 ? random.nextInt(16) : random.nextInt());
        }
        return data;
    }

    /** The zlib header {@code cmf}, {@code flags} with the check bits that make it a multiple of 31. */
    private static byte[] header(int cmf, int flags) {
        int flg = flags & 0xe0;
        while ((cmf << 8 | flg) % 31 != 0) {
            flg++;
        }
        return new byte[] {(byte) cmf, (byte) flg};
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** What {@code decoder} makes of {@code compressed} through buffers of these sizes, or the failure it gives. */
    private Object decode(Decoder decoder, byte[] compressed, long length, int inputBytes, int outputBytes)
            throws Exception {
        Path file = Files.write(dir.resolve("object-" + System.nanoTime()), compressed);
        SourceObject object = new SourceObject("o", "test", 0, length, null, null, Codec.ZLIB,
                () -> FileChannel.open(file, StandardOpenOption.READ));
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        try (DirectBufferPool inputs = new DirectBufferPool("in", inputBytes, 1);
             DirectBufferPool outputs = new DirectBufferPool("out", outputBytes, 4);
             DigestStage digest = new DigestStage();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var buffer = inputs.take();
            try {
                CompressedInput in = new CompressedInput(buffer.nio());
                in.reset(channel);
                ObjectOutput out = new ObjectOutput(outputs, object, (offset, b) -> {
                    byte[] bytes = new byte[b.nio().remaining()];
                    b.nio().get(bytes);
                    decoded.write(bytes);
                    outputs.release(b);
                }, digest, new ZeroBlocks());
                try {
                    decoder.decode(object, in, out);
                    out.finish();
                } catch (RestoreFailure e) {
                    digest.stop();
                    out.abandon();
                    return e.getMessage();
                } finally {
                    decoder.close();
                }
            } finally {
                inputs.release(buffer);
            }
            assertThat(outputs.outstanding()).isZero();
        }
        return decoded.toByteArray();
    }

    /** Both decoders' results, Java's first, through 64 KiB buffers. */
    private Object[] both(byte[] compressed, long length) throws Exception {
        return both(compressed, length, 64 * 1024, 64 * 1024);
    }

    private Object[] both(byte[] compressed, long length, int inputBytes, int outputBytes) throws Exception {
        return new Object[] {decode(new ZlibDecoder(), compressed, length, inputBytes, outputBytes),
                decode(new ZlibIsalDecoder(), compressed, length, inputBytes, outputBytes)};
    }

    private void assertSameBytes(byte[] expected, byte[] compressed, int inputBytes, int outputBytes) throws Exception {
        Object[] results = both(compressed, expected.length, inputBytes, outputBytes);
        for (Object result : results) {
            assertThat(result).isInstanceOf(byte[].class);
            assertThat(Arrays.equals((byte[]) result, expected)).isTrue();
        }
    }

    /** Both fail, with the very same message. */
    private void assertSameFailure(byte[] compressed, long length) throws Exception {
        Object[] results = both(compressed, length);
        assertThat(results[0]).isInstanceOf(String.class);
        assertThat(results[1]).isEqualTo(results[0]);
    }

    @Test
    void isalIsHereToCompareWith() {
        assertThat(IsalInflater.unavailableReason()).isNull();
        assertThat(DecoderImplementations.of(Codec.ZLIB)).isEqualTo(
                "java".equals(System.getProperty(DecoderImplementations.PROPERTY)) ? "java.util.zip.Inflater" : "isa-l");
    }

    @Test
    void goodDataDecodesTheSameAtEveryLevel() throws Exception {
        byte[] data = data(3_000_000);
        for (int level : new int[] {0, 1, 6, 9}) {
            assertSameBytes(data, zlib(data, level), 64 * 1024, 64 * 1024);
        }
        assertSameBytes(new byte[0], zlib(new byte[0], 6), 64 * 1024, 64 * 1024);
    }

    @Test
    void streamsOverManyBuffersDecodeTheSame() throws Exception {
        byte[] data = data(5_000_000);
        byte[] compressed = zlib(data, 6);
        // as in a restore: a 256 KiB input buffer, 1 MiB and 4 MiB outputs
        assertSameBytes(data, compressed, 256 * 1024, 1024 * 1024);
        assertSameBytes(data, compressed, 256 * 1024, 4 * 1024 * 1024);
        // buffers that end in the middle of everything: headers, codes, matches, the trailer
        assertSameBytes(data, compressed, 4093, 1021);
    }

    @Test
    void tinyBuffersDecodeTheSame() throws Exception {
        byte[] data = data(30_000);
        byte[] compressed = zlib(data, 6);
        // two input bytes at least: the header is looked at whole
        assertSameBytes(data, compressed, 2, 1);
        assertSameBytes(data, compressed, 3, 7);
        assertSameBytes(data, compressed, 64 * 1024, 1);
    }

    @Test
    void bytesAfterTheStreamAreIgnoredByBoth() throws Exception {
        byte[] data = data(300_000);
        byte[] trailing = concat(zlib(data, 6), "trailing bytes".getBytes());
        assertSameBytes(data, trailing, 64 * 1024, 64 * 1024);
        assertSameBytes(data, trailing, 5, 3);
    }

    @Test
    void badHeadersFailInZlibsWords() throws Exception {
        byte[] good = zlib(data(10_000), 6);
        byte[] checkBits = good.clone();
        checkBits[1] ^= 1;
        assertSameFailure(checkBits, 10_000);
        assertThat(both(checkBits, 10_000)[1]).asString().endsWith("near compressed byte 2: incorrect header check");
        assertSameFailure(concat(header(0x77, 0x80), Arrays.copyOfRange(good, 2, good.length)), 10_000);
        assertSameFailure(concat(header(0x88, 0x80), Arrays.copyOfRange(good, 2, good.length)), 10_000);
        assertSameFailure(concat(concat(header(0x78, 0xa0), new byte[] {0, 0, 0, 1}),
                Arrays.copyOfRange(good, 2, good.length)), 10_000);
    }

    @Test
    void aWrongChecksumFailsTheSame() throws Exception {
        byte[] data = data(300_000);
        byte[] wrong = zlib(data, 6);
        wrong[wrong.length - 1] ^= 1;
        assertSameFailure(wrong, data.length);
        assertThat(both(wrong, data.length)[1]).asString().endsWith(": incorrect data check");
    }

    @Test
    void truncatedStreamsFailTheSame() throws Exception {
        byte[] data = data(300_000);
        byte[] good = zlib(data, 6);
        for (int cut : new int[] {0, 1, 2, 3, 100, good.length / 2, good.length - 5, good.length - 4,
                good.length - 2, good.length - 1}) {
            assertSameFailure(Arrays.copyOf(good, cut), data.length);
        }
    }

    @Test
    void wrongLengthsFailTheSame() throws Exception {
        byte[] data = data(300_000);
        byte[] good = zlib(data, 6);
        assertSameFailure(good, data.length - 1000);
        assertSameFailure(good, data.length + 1);
        assertSameFailure(good, 0);
    }

    /**
     * Where in a corrupt stream the damage shows, and what it is called, depends on the decoder;
     * that it is corrupt, and of which object, does not.
     */
    @Test
    void corruptDeflateDataFailsBothAsCorrupt() throws Exception {
        byte[] data = data(300_000);
        byte[] good = zlib(data, 6);
        Random random = new Random(7);
        for (int i = 0; i < 40; i++) {
            byte[] corrupt = good.clone();
            int at = 2 + random.nextInt(good.length - 6);
            corrupt[at] ^= (byte) (1 + random.nextInt(255));
            Object[] results = both(corrupt, data.length);
            assertThat(results[0]).as("Java on a flip at %d", at).isInstanceOf(String.class);
            assertThat(results[1]).as("ISA-L on a flip at %d", at).isInstanceOf(String.class);
            assertThat(kind(results[1])).as("a flip at %d", at).isEqualTo(kind(results[0]))
                    .isEqualTo("object o (test) has corrupt zlib data near compressed byte N");
        }
    }

    private static String kind(Object failure) {
        return failure.toString().replaceAll("near compressed byte \\d+: .*", "near compressed byte N");
    }
}
