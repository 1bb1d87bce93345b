package dev.restoreagent.agent.verify;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A regular file or block device, read back. */
final class FileReader implements TargetReader {
    private final Path path;
    private final FileChannel channel;

    FileReader(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long sizeBytes() throws IOException {
        // a block device's channel reports the device's size (Files.size says 0)
        return channel.size();
    }

    @Override
    public void read(long offset, ByteBuffer into) throws IOException {
        long at = offset;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new EOFException(path + " ends at " + at);
            }
            at += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
