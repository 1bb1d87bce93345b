package dev.restoreagent.agent.source.image;

import dev.restoreagent.agent.restore.RestoreFailure;
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
 * the first bytes unless given.
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
        long extent = -1;
        if (!stdin) {
            Path path = Path.of(image);
            if (!Files.isReadable(path) || Files.isDirectory(path)) {
                throw RestoreFailure.badInput("image " + image + " does not exist or is not a readable file");
            }
            // only an uncompressed image file tells its extent up front
            if (codec == Codec.NONE && Files.isRegularFile(path)) {
                extent = size(path);
            }
        }
        SourceObject object = new SourceObject(name, "image", 0, extent, null, codec,
                stdin ? ImageSource::openStdin : () -> FileChannel.open(Path.of(image), StandardOpenOption.READ));
        return new RestoreSource("image " + name, stdin ? "image from standard input" : "image " + image,
                java.util.List.of(new Layer(name, true, java.util.List.of(object))), extent);
    }

    private static long size(Path path) throws RestoreFailure {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw RestoreFailure.badInput("cannot read image " + path + ": " + e.getMessage(), e);
        }
    }

    private static ReadableByteChannel openStdin() {
        // a FileChannel on fd 0 reads pipes straight into direct buffers, unlike System.in
        return new FileInputStream(FileDescriptor.in).getChannel();
    }
}
