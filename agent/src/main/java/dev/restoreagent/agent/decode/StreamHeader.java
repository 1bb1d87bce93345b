package dev.restoreagent.agent.decode;

import com.github.luben.zstd.Zstd;
import dev.restoreagent.agent.source.Codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What an image file says about itself before it is decoded: its compression, and the size it
 * decodes to where the format records it (a raw image's file size, a zstd frame's content size).
 * The size is declared, not proven: a stream of several zstd frames declares only its first.
 *
 * @param declaredBytes the decoded size, or -1 when the format does not tell it up front
 */
public record StreamHeader(Codec codec, long declaredBytes) {
    /** {@code ZSTD_FRAMEHEADERSIZE_MAX}: enough for any frame header, and for every magic number. */
    static final int HEAD_BYTES = 18;

    /**
     * Reads the head of a regular file.
     *
     * @param forced the compression the operator gave, or null to tell it from the first bytes
     */
    public static StreamHeader of(Path file, Codec forced) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(HEAD_BYTES);
        long fileBytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            fileBytes = channel.size();
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // a short read of a regular file is only its end
            }
        }
        head.flip();
        Codec codec = forced != null ? forced : CodecSniffer.sniff(head);
        return new StreamHeader(codec, switch (codec) {
            case NONE -> fileBytes;
            case ZSTD -> zstdContentSize(head);
            default -> -1;
        });
    }

    private static long zstdContentSize(ByteBuffer head) {
        byte[] bytes = new byte[head.remaining()];
        head.get(head.position(), bytes);
        // negative: not recorded (streamed compression), or not a frame header (a skippable frame leads)
        long size = Zstd.getFrameContentSize(bytes, 0, bytes.length);
        return size < 0 ? -1 : size;
    }
}
