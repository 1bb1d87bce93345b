package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.nativeb.bzip2.Bz2Decompressor;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** libbz2 and commons-compress decode the same bytes to the same output, and fail alike. */
class Bzip2DecodersTest {
    @TempDir
    Path dir;

    private static byte[] bzip2(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream z = new BZip2CompressorOutputStream(out, 9)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] data(int bytes) {
        byte[] data = new byte[bytes];
        Random random = new Random(bytes);
        for (int i = 0; i < bytes; i++) {
            data[i] = (byte) (i % 4096 < 1000 ? 0 : random.nextInt(16));
        }
        return data;
    }

    /** What {@code decoder} makes of {@code compressed}, or the failure it gives. */
    private Object decode(Decoder decoder, byte[] compressed, long length) throws Exception {
        Path file = Files.write(dir.resolve("object-" + System.nanoTime()), compressed);
        SourceObject object = new SourceObject("o", "test", 0, length, null, null, Codec.BZIP2,
                () -> FileChannel.open(file, StandardOpenOption.READ));
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        try (DirectBufferPool inputs = new DirectBufferPool("in", 64 * 1024, 1);
             DirectBufferPool outputs = new DirectBufferPool("out", 64 * 1024, 4);
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
                    return e.getMessage().replaceAll(" \\(.*\\)$", "");
                } finally {
                    decoder.close();
                }
            } finally {
                inputs.release(buffer);
            }
        }
        return decoded.toByteArray();
    }

    private void assertAlike(byte[] compressed, long length) throws Exception {
        Object java = decode(new StreamDecoder(Codec.BZIP2), compressed, length);
        Object lib = decode(new Bzip2NativeDecoder(), compressed, length);
        if (java instanceof byte[] bytes) {
            assertThat(lib).isInstanceOf(byte[].class);
            assertThat(Arrays.equals(bytes, (byte[]) lib)).isTrue();
        } else {
            assertThat(lib).isEqualTo(java);
        }
    }

    @Test
    void libbz2IsHereToCompareWith() {
        assertThat(Bz2Decompressor.unavailableReason()).isNull();
    }

    @Test
    void goodDataDecodesTheSame() throws Exception {
        byte[] data = data(3_000_000);
        assertAlike(bzip2(data), data.length);
        byte[] empty = bzip2(new byte[0]);
        assertAlike(empty, 0);
    }

    @Test
    void streamsInARowDecodeTheSame() throws Exception {
        byte[] a = data(200_000);
        byte[] b = data(300_001);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(bzip2(a));
        both.write(bzip2(b));
        assertAlike(both.toByteArray(), a.length + b.length);
    }

    @Test
    void corruptTruncatedAndOverlongDataFailTheSame() throws Exception {
        byte[] data = data(500_000);
        byte[] good = bzip2(data);
        byte[] corrupt = good.clone();
        corrupt[good.length / 2] ^= 0x55;
        assertAlike(corrupt, data.length);
        assertAlike(Arrays.copyOf(good, good.length - 20), data.length);
        assertAlike(good, data.length - 1000);
        assertAlike(new byte[] {'B', 'Z', 'h', '9', 1, 2, 3}, 10);
    }
}
