package dev.restoreagent.nativeb.libc.raw;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

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

    /** Returns 0 or an errno (not -1); {@code result} is NULL when there is no such user. */
    int getpwnam_r(String name, Pointer pwd, Pointer buf, @size_t long buflen, PointerByReference result);

    /** Returns 0 or an errno (not -1); {@code result} is NULL when there is no such group. */
    int getgrnam_r(String name, Pointer grp, Pointer buf, @size_t long buflen, PointerByReference result);

    /** Returns the count, or -1 when {@code groups} is too short: {@code ngroups} then holds the count. */
    int getgrouplist(String user, @gid_t int group, @Out int[] groups, IntByReference ngroups);

    int O_RDONLY = 0;
    int O_WRONLY = 01;
    int O_NOCTTY = 0400;
    int O_NONBLOCK = 04000;
    int O_NOFOLLOW = 0400000;
    int O_CLOEXEC = 02000000;
    int FALLOC_FL_KEEP_SIZE = 0x01;
    int FALLOC_FL_PUNCH_HOLE = 0x02;
}
