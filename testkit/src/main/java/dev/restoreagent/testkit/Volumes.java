package dev.restoreagent.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Deterministic, disk-like test volumes: the same arguments give the same bytes on every platform. Content is
 * written as it is generated, so volumes of any size can be made.
 */
public final class Volumes {

    private static final int BUFFER = 64 * 1024;
    // Regions changed by mutate() are at most this long (log-uniform, so most are much shorter).
    private static final int MAX_CHANGE = 256 * 1024;
    private static final byte[][] WORDS =
            words(
                    "the", "volume", "backup", "restore", "chunk", "object", "cinder", "block", "device", "of", "and",
                    "data", "zero", "sector", "inode", "journal", "superblock", "extent", "metadata", "a", "to", "in");

    private Volumes() {}

    /**
     * Writes a {@code sizeBytes}-long volume made of runs of zeros, text-like bytes and random bytes, mixed as
     * {@code shape} says. Run lengths are log-uniform, so most are not multiples of 512 or 4096.
     */
    public static void write(Path out, long sizeBytes, long seed, VolumeShape shape) throws IOException {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + sizeBytes);
        }
        SplitMix64 rnd = new SplitMix64(seed);
        byte[] buf = new byte[BUFFER];
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), BUFFER)) {
            long written = 0;
            while (written < sizeBytes) {
                double kind = rnd.nextDouble();
                boolean zeros = kind < shape.zeroFraction();
                boolean text = !zeros && kind < shape.zeroFraction() + shape.textFraction();
                long run = rnd.logUniform(zeros ? 4L * shape.maxRunBytes() : shape.maxRunBytes());
                run = Math.min(run, sizeBytes - written);
                written += run;
                while (run > 0) {
                    int n = (int) Math.min(run, BUFFER);
                    if (zeros) {
                        Arrays.fill(buf, 0, n, (byte) 0);
                    } else if (text) {
                        fillText(rnd, buf, n);
                    } else {
                        rnd.nextBytes(buf, 0, n);
                    }
                    os.write(buf, 0, n);
                    run -= n;
                }
            }
        }
    }

    /**
     * Copies {@code in} to {@code out} and then makes {@code changes} seeded changes to the copy, cycling through
     * four kinds: (1) zeros written over a region that starts with a non-zero byte, so data that was non-zero
     * becomes zero; (2) a single byte changed to a different value; (3) a region overwritten with random bytes;
     * (4) a region overwritten with text. The length never changes. With {@code changes >= 2} both the zeroing
     * and the one-byte change are present.
     *
     * @throws IllegalArgumentException if {@code changes < 0}, or {@code changes > 0} on an empty volume
     */
    public static void mutate(Path in, Path out, long seed, int changes) throws IOException {
        if (changes < 0) {
            throw new IllegalArgumentException("changes must be >= 0: " + changes);
        }
        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        SplitMix64 rnd = new SplitMix64(seed);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (changes > 0 && size == 0) {
                throw new IllegalArgumentException("cannot change an empty volume");
            }
            for (int i = 0; i < changes; i++) {
                long pos = rnd.nextLong(size);
                switch (i % 4) {
                    case 0 -> {
                        long start = firstNonZero(ch, pos);
                        writeRegion(ch, start, new byte[(int) rnd.logUniform(Math.min(MAX_CHANGE, size - start))]);
                    }
                    case 1 -> {
                        ByteBuffer one = ByteBuffer.allocate(1);
                        ch.read(one, pos);
                        // XOR with 1..255 always gives a different value.
                        writeRegion(ch, pos, new byte[] {(byte) (one.get(0) ^ (1 + rnd.nextLong(255)))});
                    }
                    case 2 -> {
                        byte[] region = new byte[(int) rnd.logUniform(Math.min(MAX_CHANGE, size - pos))];
                        rnd.nextBytes(region, 0, region.length);
                        writeRegion(ch, pos, region);
                    }
                    default -> {
                        byte[] region = new byte[(int) rnd.logUniform(Math.min(MAX_CHANGE, size - pos))];
                        fillText(rnd, region, region.length);
                        writeRegion(ch, pos, region);
                    }
                }
            }
        }
    }

    // The first non-zero byte at or after pos, wrapping around; pos itself if the whole volume is zero.
    private static long firstNonZero(FileChannel ch, long pos) throws IOException {
        long size = ch.size();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        for (long scanned = 0; scanned < size; ) {
            long at = (pos + scanned) % size;
            buf.clear().limit((int) Math.min(BUFFER, size - at));
            ch.read(buf, at);
            buf.flip();
            for (int i = 0; i < buf.limit(); i++) {
                if (buf.get(i) != 0) {
                    return at + i;
                }
            }
            scanned += buf.limit();
        }
        return pos;
    }

    private static void writeRegion(FileChannel ch, long pos, byte[] data) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(data);
        while (src.hasRemaining()) {
            ch.write(src, pos + src.position());
        }
    }

    private static void fillText(SplitMix64 rnd, byte[] buf, int n) {
        int i = 0;
        while (i < n) {
            byte[] word = WORDS[(int) rnd.nextLong(WORDS.length)];
            for (int k = 0; k < word.length && i < n; k++) {
                buf[i++] = word[k];
            }
            if (i < n) {
                buf[i++] = (byte) (rnd.nextLong(12) == 0 ? '\n' : ' ');
            }
        }
    }

    private static byte[][] words(String... words) {
        byte[][] bytes = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            bytes[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }
}
