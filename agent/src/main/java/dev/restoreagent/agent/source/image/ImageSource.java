package dev.restoreagent.agent.source.image;

import dev.restoreagent.agent.decode.StreamHeader;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.Layer;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A disk image as one stream, raw or compressed, from a file or from standard input: the job of
 * {@code zstdcat disk.img.zst | rbd import - ...} in one process. The compression is found from
 * the first bytes unless given. An image file's declared size ({@link StreamHeader}) sizes a
 * created image, is checked against the target before the first write, and is what progress
 * counts to; only a raw image's is its exact extent.
 */
public final class ImageSource {
    /** The name that means standard input. */
    public static final String STDIN = "-";

    private ImageSource() {
    }

    /**
     * @param codec the compression, or null to find it from the stream's first bytes
     */
    public static RestoreSource of(String image, Codec codec) throws RestoreFailure {
        boolean stdin = STDIN.equals(image);
        String name = stdin ? "standard input" : image;
        long declared = -1;
        long extent = -1;
        if (!stdin) {
            Path path = Path.of(image);
            if (!Files.isReadable(path) || Files.isDirectory(path)) {
                throw RestoreFailure.badInput("image " + image + " does not exist or is not a readable file");
            }
            // a raw image file tells its size up front, a zstd one in its frame header; a pipe does not
            if (Files.isRegularFile(path)) {
                StreamHeader header = header(path, codec);
                declared = header.declaredBytes();
                // only a raw image's size is exact (and checked); a compressed stream's own framing ends it
                extent = header.codec() == Codec.NONE ? declared : -1;
            }
        }
        SourceObject object = new SourceObject(name, "image", 0, extent, null, null, codec,
                stdin ? ImageSource::openStdin : () -> FileChannel.open(Path.of(image), StandardOpenOption.READ));
        return new RestoreSource("image " + name, stdin ? "image from standard input" : "image " + image,
                java.util.List.of(new Layer(name, true, java.util.List.of(object))), extent, declared,
                "nothing (an image stream carries no checksum)", java.util.List.of(), java.util.List.of(), 0, RestoreSource.Confirmation.NONE, false);
    }

    private static StreamHeader header(Path path, Codec codec) throws RestoreFailure {
        try {
            return StreamHeader.of(path, codec);
        } catch (IOException e) {
            throw RestoreFailure.badInput("cannot read image " + path + ": " + e.getMessage(), e);
        }
    }

    private static ReadableByteChannel openStdin() {
        // a FileChannel on fd 0 reads pipes straight into direct buffers, unlike System.in
        return new FileInputStream(FileDescriptor.in).getChannel();
    }
}
