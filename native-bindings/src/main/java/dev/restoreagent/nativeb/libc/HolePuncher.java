package dev.restoreagent.nativeb.libc;

import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.NativeCheck;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.libc.raw.LibC;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A write-only descriptor on a regular file used to deallocate ranges with
 * {@code fallocate(PUNCH_HOLE | KEEP_SIZE)}: the range then reads as zeros and takes no space, and
 * the file size stays as it is. The JDK has no such call and does not expose a channel's
 * descriptor, so the file is opened a second time here.
 *
 * <p>Thread-safe; {@link #close()} is idempotent and must not race an in-progress
 * {@link #punchHole}.
 */
public final class HolePuncher implements AutoCloseable {
    private static final int CLOSED = -1;

    private final Path path;
    private final AtomicInteger fd;

    private HolePuncher(Path path, int fd) {
        this.path = path;
        this.fd = new AtomicInteger(fd);
    }

    /** Opens {@code path} for writing. Throws {@link NativeIoException} naming {@code open}. */
    public static HolePuncher open(Path path) throws NativeIoException {
        int fd = Libc.LIB.open(path.toString(), LibC.O_WRONLY | LibC.O_CLOEXEC);
        NativeCheck.checkLibc(fd, fd == -1 ? Libc.lastErrno() : 0, "open", "path", path);
        return new HolePuncher(path, fd);
    }

    /**
     * Deallocates {@code [offset, offset + length)}; afterwards the range reads as zeros.
     *
     * @return false when the file system cannot punch holes (EOPNOTSUPP), so the caller writes
     *     zeros instead; any other failure throws
     */
    public boolean punchHole(long offset, long length) throws NativeIoException {
        int rc = Libc.LIB.fallocate(ensureOpen(), LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE,
                offset, length);
        if (rc == 0) {
            return true;
        }
        int errno = Libc.lastErrno();
        if (Errno.EOPNOTSUPP.is(errno)) {
            return false;
        }
        NativeCheck.checkLibc(rc, errno, "fallocate", "path", path, "offset", offset, "length", length);
        return true;
    }

    private int ensureOpen() {
        int current = fd.get();
        if (current == CLOSED) {
            throw new IllegalStateException("HolePuncher closed: " + path);
        }
        return current;
    }

    @Override
    public void close() throws NativeIoException {
        int current = fd.getAndSet(CLOSED);
        if (current != CLOSED) {
            int rc = Libc.LIB.close(current);
            NativeCheck.checkLibc(rc, rc == -1 ? Libc.lastErrno() : 0, "close", "path", path);
        }
    }
}
