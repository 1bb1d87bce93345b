package dev.restoreagent.testkit;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/** Helpers shared by the tests: hashing, reading ranges and a Java-side Cinder restore. */
final class TestSupport {

    private TestSupport() {}

    static String sha256(Path file) throws IOException {
        return hex("SHA-256", Files.readAllBytes(file));
    }

    static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] range(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] data = new byte[length];
            raf.seek(offset);
            raf.readFully(data);
            return data;
        }
    }

    /** Decodes an object's bytes by its tag, as Cinder's restore does. */
    static byte[] decompress(String tag, byte[] body, long length) {
        try {
            return switch (tag.toLowerCase(Locale.ROOT)) {
                case "none", "off", "no" -> body;
                case "zlib", "gzip" -> readAll(new InflaterInputStream(new ByteArrayInputStream(body)));
                case "bz2", "bzip2" -> readAll(new BZip2CompressorInputStream(new ByteArrayInputStream(body)));
                case "zstd" -> Zstd.decompress(body, Math.toIntExact(length));
                default -> throw new IllegalArgumentException(tag);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** Applies one backup's objects onto {@code target} in list order (seek + write), like _restore_v1. */
    static void applyLayer(CinderBackup backup, Path target) throws IOException {
        try (FileChannel ch =
                FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (ObjectEntry o : backup.objects()) {
                byte[] data =
                        decompress(o.compression(), Files.readAllBytes(backup.objectPath(o.name())), o.length());
                ByteBuffer src = ByteBuffer.wrap(data);
                while (src.hasRemaining()) {
                    ch.write(src, o.offset() + src.position());
                }
            }
        }
    }
}
