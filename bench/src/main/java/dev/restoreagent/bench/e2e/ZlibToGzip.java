package dev.restoreagent.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The deflate data of a zlib stream (RFC 1950, as Python's {@code zlib.compress} writes Cinder's objects) in a
 * gzip frame (RFC 1952), for {@code igzip}, which reads gzip only: the 2-byte header and the Adler-32 trailer
 * dropped, a gzip header, and a trailer with the CRC-32 and length of the decoded bytes, taken from the volume
 * range the object holds. Streamed: the object is never held whole.
 */
final class ZlibToGzip {
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private ZlibToGzip() {}

    /** Writes {@code out} from {@code object}, whose decoded bytes are {@code volume[offset, offset + length)}. */
    static Path convert(Path object, Path volume, long offset, long length, Path out) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(volume)) {
            in.skipNBytes(offset);
            for (long left = length; left > 0; ) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, left));
                if (n <= 0) {
                    throw new IOException(volume + " ends before " + (offset + length));
                }
                crc.update(buffer, 0, n);
                left -= n;
            }
        }
        long size = Files.size(object);
        try (InputStream in = Files.newInputStream(object); OutputStream gz = Files.newOutputStream(out)) {
            byte[] header = in.readNBytes(2);
            // CM 8 (deflate) and no FDICT: a preset dictionary has no gzip equivalent
            if (size < 6 || (header[0] & 0x0f) != 8 || (header[1] & 0x20) != 0
                    || ((header[0] & 0xff) << 8 | (header[1] & 0xff)) % 31 != 0) {
                throw new IOException(object + " is not a zlib stream without a preset dictionary");
            }
            gz.write(GZIP_HEADER);
            for (long left = size - 2 - 4; left > 0; ) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, left));
                gz.write(buffer, 0, n);
                left -= n;
            }
            long c = crc.getValue();
            long isize = length & 0xffffffffL;
            gz.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                    (byte) isize, (byte) (isize >> 8), (byte) (isize >> 16), (byte) (isize >> 24)});
        }
        return out;
    }
}
