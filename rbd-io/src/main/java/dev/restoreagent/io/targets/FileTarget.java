package dev.restoreagent.io.targets;

import dev.restoreagent.nativeb.IoCompletion;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.nativeb.libc.HolePuncher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A regular file or a block device, written with positional writes from direct buffers (no copy
 * into the JVM) on one I/O thread of its own, so decoding and writing overlap.
 *
 * <p>Writes go through the page cache, not {@code O_DIRECT}: extents of Cinder increments start at
 * multiples of the sha block and end anywhere, which {@code O_DIRECT} would have to
 * read-modify-write. {@link #flush()} is {@code fdatasync}. Zeros on a regular file become a
 * punched hole where the file system can, else written zeros; on a block device they are written.
 */
public final class FileTarget implements BlockTarget {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;

    private final Path path;
    private final FileChannel channel;
    private final boolean growable;
    private final long capacityBytes;
    private final boolean readsAsZeros;
    private final IncompleteMarker marker;
    private final boolean regularFile;
    private final ExecutorService io;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean punchingWorks = true;
    // opened on the first hole, on the I/O thread: a restore onto a new file never punches one, and
    // binding libc with jnr-ffi costs a one-shot restore about 0.2 CPU s of start-up
    private volatile HolePuncher holePuncher;

    private FileTarget(Path path, FileChannel channel, boolean growable, long capacityBytes, boolean readsAsZeros,
                       IncompleteMarker marker, boolean regularFile) {
        this.path = path;
        this.channel = channel;
        this.growable = growable;
        this.capacityBytes = capacityBytes;
        this.readsAsZeros = readsAsZeros;
        this.marker = marker;
        this.regularFile = regularFile;
        this.io = Executors.newSingleThreadExecutor(DaemonThreads.named("target-io " + path.getFileName()));
    }

    /**
     * Opens {@code path} for a restore whose data ends at {@code extentBytes} (-1 when not known in
     * advance, as for a compressed stream on stdin).
     *
     * <ul>
     *   <li>missing: creates a regular file {@code extentBytes} long (sparse), or one that grows as
     *       written when the extent is unknown; it reads as zeros;
     *   <li>an existing regular file or block device: written in place; bytes past the extent stay
     *       as they were. It reads as zeros only if {@code knownZeroed} says so.
     * </ul>
     *
     * @param deviceMarkers directory for the incomplete marks of block devices
     * @throws TargetException if the path is something else, or cannot be opened or created
     */
    public static FileTarget open(Path path, long extentBytes, boolean knownZeroed, Path deviceMarkers)
            throws IOException {
        int type;
        try {
            type = ((Integer) Files.getAttribute(path, "unix:mode")) & S_IFMT;
        } catch (NoSuchFileException e) {
            return create(path, extentBytes);
        }
        if (type == S_IFREG) {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE);
            return new FileTarget(path, ch, false, ch.size(), knownZeroed, new XattrMarker(path), true);
        }
        if (type == S_IFBLK) {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE);
            // FileChannel.size() of a block device is the device size (Files.size() says 0)
            return new FileTarget(path, ch, false, ch.size(), knownZeroed,
                    MarkerFile.forDevice(deviceMarkers, path), false);
        }
        throw new TargetException("target " + path + " is neither a regular file nor a block device");
    }

    private static FileTarget create(Path path, long extentBytes) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new TargetException("cannot create target " + path + ": directory " + parent + " does not exist");
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean growable = extentBytes < 0;
        // sized up front, the file is sparse: unwritten ranges read as zeros and take no space
        setLength(ch, Math.max(extentBytes, 0));
        return new FileTarget(path, ch, growable, growable ? Long.MAX_VALUE : extentBytes, true,
                new XattrMarker(path), true);
    }

    private static void setLength(FileChannel ch, long bytes) throws IOException {
        // writing the last byte extends the file; the JDK has no ftruncate that grows
        if (ch.size() < bytes) {
            ch.write(ByteBuffer.allocate(1), bytes - 1);
        }
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long capacityBytes() {
        return capacityBytes;
    }

    @Override
    public boolean readsAsZeros() {
        return readsAsZeros;
    }

    /** True for a block device, false for a regular file. */
    public boolean isBlockDevice() {
        return !regularFile;
    }

    @Override
    public void write(long offsetBytes, ByteBuffer data, IoCompletion done) {
        io.execute(() -> {
            try {
                writeFully(offsetBytes, data);
                done.completed();
            } catch (IOException e) {
                done.failed(e);
            }
        });
    }

    @Override
    public void writeZeros(long offsetBytes, ByteBuffer zeros, IoCompletion done) {
        io.execute(() -> {
            try {
                if (!punchHole(offsetBytes, zeros.remaining())) {
                    writeFully(offsetBytes, zeros);
                }
                done.completed();
            } catch (IOException e) {
                done.failed(e);
            }
        });
    }

    private boolean punchHole(long offsetBytes, long lengthBytes) throws IOException {
        if (!regularFile || !punchingWorks) {
            return false;
        }
        if (holePuncher == null) {
            holePuncher = HolePuncher.open(path);
        }
        long end = Math.min(offsetBytes + lengthBytes, channel.size());
        if (end > offsetBytes && !holePuncher.punchHole(offsetBytes, end - offsetBytes)) {
            punchingWorks = false;
            return false;
        }
        // past the end of a file that grows as written, zeros are had by extending it
        if (offsetBytes + lengthBytes > end) {
            setLength(channel, offsetBytes + lengthBytes);
        }
        return true;
    }

    private void writeFully(long offsetBytes, ByteBuffer data) throws IOException {
        long position = offsetBytes;
        while (data.hasRemaining()) {
            position += channel.write(data, position);
        }
    }

    @Override
    public void extendTo(long bytes) throws IOException {
        if (growable) {
            setLength(channel, bytes);
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void markIncomplete(String what) throws IOException {
        marker.set(what);
        channel.force(true);
    }

    @Override
    public void clearIncomplete() throws IOException {
        marker.clear();
        channel.force(true);
    }

    @Override
    public Optional<String> incompleteMark() throws IOException {
        return marker.get();
    }

    @Override
    public String markLocation() {
        return marker.describe();
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        io.shutdown();
        try {
            io.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (channel; HolePuncher ignored = holePuncher) {
            // both close here, channel last
        }
    }
}
