package dev.restoreagent.testkit;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/** Writes a raw volume image as a (compressed) image stream, streaming: memory use does not grow with size. */
public final class ImageStreams {

    private static final int BUFFER = 64 * 1024;
    private static final int FRAME_INPUT = 1024 * 1024;
    private static final int ZSTD_LEVEL = 3;
    private static final int ZLIB_LEVEL = 6;
    private static final int BZIP2_BLOCK_SIZE = 9;

    private ImageStreams() {}

    /** Encodes the file {@code raw} into the file {@code out} (replaced if it exists) in {@code format}. */
    public static void write(Path raw, Path out, ImageFormat format) throws IOException {
        try (InputStream in = Files.newInputStream(raw);
                OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), BUFFER)) {
            switch (format) {
                case RAW -> in.transferTo(file);
                case ZSTD -> {
                    try (OutputStream z = new ZstdOutputStreamNoFinalizer(file, ZSTD_LEVEL).setChecksum(true)) {
                        in.transferTo(z);
                    }
                }
                case ZSTD_MULTI_FRAME -> writeFrames(in, file);
                case ZLIB -> {
                    Deflater deflater = new Deflater(ZLIB_LEVEL);
                    try (OutputStream z = new DeflaterOutputStream(file, deflater, BUFFER)) {
                        in.transferTo(z);
                    } finally {
                        // DeflaterOutputStream does not end a Deflater it was given.
                        deflater.end();
                    }
                }
                case GZIP -> {
                    try (OutputStream z = new GZIPOutputStream(file, BUFFER)) {
                        in.transferTo(z);
                    }
                }
                case BZ2 -> {
                    try (OutputStream z = new BZip2CompressorOutputStream(file, BZIP2_BLOCK_SIZE)) {
                        in.transferTo(z);
                    }
                }
            }
        }
    }

    private static void writeFrames(InputStream in, OutputStream out) throws IOException {
        byte[] block = new byte[FRAME_INPUT];
        int n;
        while ((n = in.readNBytes(block, 0, block.length)) > 0) {
            out.write(Zstd.compress(n == block.length ? block : Arrays.copyOf(block, n), ZSTD_LEVEL));
        }
    }
}
