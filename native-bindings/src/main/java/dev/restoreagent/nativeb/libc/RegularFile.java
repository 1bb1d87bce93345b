package dev.restoreagent.nativeb.libc;

import dev.restoreagent.nativeb.NativeCheck;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.libc.raw.LibC;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens files that must be regular files, such as backup objects, without ever blocking in
 * {@code open()}: the JDK's open of a FIFO waits for a writer, and of a device can wait for the
 * device, for ever. The path is checked before the open, then opened with {@code O_NONBLOCK} and
 * {@code O_NOFOLLOW}, and what was opened is checked again, so a file swapped in between is
 * refused too.
 */
public final class RegularFile {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;

    private RegularFile() {
    }

    /**
     * A read-only channel on {@code path}, which must be a regular file, not a link to one.
     *
     * @throws NotRegularFileException if it is a directory, link, FIFO, socket or device
     * @throws NativeIoException naming {@code open} if the open fails (ENOENT, EACCES...)
     */
    public static FileChannel openForReading(Path path) throws IOException {
        checkRegular(path, mode(path, LinkOption.NOFOLLOW_LINKS));
        int fd = Libc.LIB.open(path.toString(),
                LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_NOFOLLOW | LibC.O_NOCTTY | LibC.O_CLOEXEC);
        NativeCheck.checkLibc(fd, fd == -1 ? Libc.lastErrno() : 0, "open", "path", path);
        try {
            // the descriptor's own inode, whatever the path names now; reopening it gives a plain
            // blocking descriptor on the file that was checked
            Path opened = Path.of("/proc/self/fd/" + fd);
            checkRegular(path, mode(opened));
            return FileChannel.open(opened, StandardOpenOption.READ);
        } finally {
            int rc = Libc.LIB.close(fd);
            NativeCheck.checkLibc(rc, rc == -1 ? Libc.lastErrno() : 0, "close", "path", path);
        }
    }

    private static int mode(Path path, LinkOption... options) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", options);
    }

    private static void checkRegular(Path path, int mode) throws NotRegularFileException {
        if ((mode & S_IFMT) != S_IFREG) {
            throw new NotRegularFileException(path + " is " + kind(mode) + ", not a regular file");
        }
    }

    /** The file type in {@code mode}, as a sentence names it. */
    static String kind(int mode) {
        return switch (mode & S_IFMT) {
            case 0010000 -> "a FIFO";
            case 0020000 -> "a character device";
            case 0040000 -> "a directory";
            case 0060000 -> "a block device";
            case 0120000 -> "a symbolic link";
            case 0140000 -> "a socket";
            default -> "of unknown type " + Integer.toOctalString(mode & S_IFMT);
        };
    }
}
