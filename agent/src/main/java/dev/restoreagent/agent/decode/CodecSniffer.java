package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.source.Codec;

import java.nio.ByteBuffer;

/** Tells an image stream's compression from its first bytes, as {@code file(1)} would. */
final class CodecSniffer {
    /** Bytes needed to decide. */
    static final int MAGIC_BYTES = 4;

    private CodecSniffer() {
    }

    /** The codec of a stream starting with {@code head}'s remaining bytes (not consumed). */
    static Codec sniff(ByteBuffer head) {
        int p = head.position();
        int n = head.remaining();
        int b0 = n > 0 ? head.get(p) & 0xff : -1;
        int b1 = n > 1 ? head.get(p + 1) & 0xff : -1;
        int b2 = n > 2 ? head.get(p + 2) & 0xff : -1;
        int b3 = n > 3 ? head.get(p + 3) & 0xff : -1;
        if (b0 == 0x28 && b1 == 0xb5 && b2 == 0x2f && b3 == 0xfd) {
            return Codec.ZSTD;
        }
        // a zstd skippable frame (magic 0x184D2A50..5F, little endian) may lead a zstd stream
        if ((b0 & 0xf0) == 0x50 && b1 == 0x2a && b2 == 0x4d && b3 == 0x18) {
            return Codec.ZSTD;
        }
        if (b0 == 0x1f && b1 == 0x8b) {
            return Codec.GZIP;
        }
        if (b0 == 'B' && b1 == 'Z' && b2 == 'h' && b3 >= '1' && b3 <= '9') {
            return Codec.BZIP2;
        }
        // zlib header: deflate (CM 8), window at most 32 KiB, and the FCHECK bits
        if (n > 1 && (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0) {
            return Codec.ZLIB;
        }
        return Codec.NONE;
    }
}
