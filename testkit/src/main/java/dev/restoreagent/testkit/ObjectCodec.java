package dev.restoreagent.testkit;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.Deflater;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * The whole-object compressors of Cinder's chunked driver ({@code ChunkedBackupDriver._get_compressor}).
 * Each produces exactly what the matching Python call produces in format terms: one zlib stream, one bzip2
 * stream or one zstd frame, with no framing around it.
 */
enum ObjectCodec {
    /** {@code none}/{@code off}/{@code no}: Cinder has no compressor and stores the bytes as they are. */
    NONE,
    /** {@code zlib}/{@code gzip}: Python {@code zlib.compress(data)}, an RFC 1950 stream at level 6. */
    ZLIB,
    /** {@code bz2}/{@code bzip2}: Python {@code bz2.compress(data)}, one stream with block size 9. */
    BZIP2,
    /** {@code zstd}: python3-zstd {@code zstd.compress(data)}, one frame at level 3, content size, no checksum. */
    ZSTD;

    private static final int ZLIB_LEVEL = 6;
    private static final int BZIP2_BLOCK_SIZE = 9;
    private static final int ZSTD_LEVEL = 3;

    /**
     * Maps a configured algorithm name to its codec, case-insensitively, as Cinder does.
     *
     * @throws IllegalArgumentException for a name Cinder does not know
     */
    static ObjectCodec forAlgorithm(String algorithm) {
        return switch (algorithm.toLowerCase(Locale.ROOT)) {
            case "none", "off", "no" -> NONE;
            case "zlib", "gzip" -> ZLIB;
            case "bz2", "bzip2" -> BZIP2;
            case "zstd" -> ZSTD;
            default -> throw new IllegalArgumentException("unsupported compression algorithm: " + algorithm);
        };
    }

    /**
     * Compresses {@code data[off, off+len)} in one call.
     *
     * @return the compressed bytes; for {@link #NONE} a copy of the input
     */
    byte[] compress(byte[] data, int off, int len) {
        return switch (this) {
            case NONE -> Arrays.copyOfRange(data, off, off + len);
            case ZLIB -> zlib(data, off, len);
            case BZIP2 -> bzip2(data, off, len);
            case ZSTD -> Zstd.compress(Arrays.copyOfRange(data, off, off + len), ZSTD_LEVEL);
        };
    }

    private static byte[] zlib(byte[] data, int off, int len) {
        Deflater deflater = new Deflater(ZLIB_LEVEL);
        try {
            deflater.setInput(data, off, len);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(len / 2 + 64);
            byte[] buffer = new byte[64 * 1024];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] bzip2(byte[] data, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len / 2 + 64);
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out, BZIP2_BLOCK_SIZE)) {
            bz.write(data, off, len);
        } catch (IOException e) {
            // Only a ByteArrayOutputStream is written to, which cannot fail.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
