package dev.restoreagent.nativeb.libc.raw;

import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.off_t;

/**
 * The few libc calls the JDK does not offer, bound with jnr-ffi. Methods are named exactly as the C
 * symbols and return raw results; {@code dev.restoreagent.nativeb.libc} checks them.
 */
public interface LibC {
    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    int fallocate(int fd, int mode, @off_t long offset, @off_t long length);

    int isatty(int fd);

    int O_RDONLY = 0;
    int O_WRONLY = 01;
    int O_NOCTTY = 0400;
    int O_NONBLOCK = 04000;
    int O_NOFOLLOW = 0400000;
    int O_CLOEXEC = 02000000;
    int FALLOC_FL_KEEP_SIZE = 0x01;
    int FALLOC_FL_PUNCH_HOLE = 0x02;
}
