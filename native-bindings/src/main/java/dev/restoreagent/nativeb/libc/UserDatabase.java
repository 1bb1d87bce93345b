package dev.restoreagent.nativeb.libc;

import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.NativeCheck;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.libc.raw.Group;
import dev.restoreagent.nativeb.libc.raw.Passwd;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * User and group names to ids through the C library's database (NSS: {@code /etc/passwd} and
 * {@code /etc/group}, or LDAP and the like where {@code nsswitch.conf} says so). The JDK resolves
 * only ids to names ({@code UnixDomainPrincipal} carries names); these are the reverse.
 *
 * <p>Thread-safe: the reentrant {@code _r} calls, each call with buffers of its own. Each call
 * blocks for as long as NSS takes to answer. A failure of the database itself (not "no such
 * name") throws {@link NativeIoException} naming the call and the name.
 */
public final class UserDatabase {
    // glibc's sysconf(_SC_GETPW_R_SIZE_MAX) guess; doubled on ERANGE (a group with many members)
    private static final int FIRST_BUFFER_BYTES = 1024;
    private static final int MAX_BUFFER_BYTES = 1 << 20;
    private static final int FIRST_GROUP_COUNT = 32;
    // Linux's NGROUPS_MAX: a process cannot be in more groups than this
    private static final int MAX_GROUP_COUNT = 65536;

    private UserDatabase() {
    }

    /** The uid of user {@code name} ({@code getpwnam_r}), or empty when there is no such user. */
    public static OptionalInt uidOf(String name) throws NativeIoException {
        Passwd entry = new Passwd(Libc.RUNTIME);
        boolean found = find("getpwnam_r", "user", name, entry,
                (memory, buf, bytes, result) -> Libc.LIB.getpwnam_r(name, memory, buf, bytes, result));
        return found ? OptionalInt.of((int) entry.pw_uid.get()) : OptionalInt.empty();
    }

    /** The gid of group {@code name} ({@code getgrnam_r}), or empty when there is no such group. */
    public static OptionalInt gidOf(String name) throws NativeIoException {
        Group entry = new Group(Libc.RUNTIME);
        boolean found = find("getgrnam_r", "group", name, entry,
                (memory, buf, bytes, result) -> Libc.LIB.getgrnam_r(name, memory, buf, bytes, result));
        return found ? OptionalInt.of((int) entry.gr_gid.get()) : OptionalInt.empty();
    }

    /**
     * The groups user {@code name} is in according to the database ({@code getgrouplist}), with
     * {@code gid} among them: the groups a login as that user gets, not those of a running process.
     */
    public static int[] groupsOf(String name, int gid) throws NativeIoException {
        int[] groups = new int[FIRST_GROUP_COUNT];
        while (true) {
            IntByReference count = new IntByReference(groups.length);
            int rc = Libc.LIB.getgrouplist(name, gid, groups, count);
            if (rc >= 0) {
                return Arrays.copyOf(groups, rc);
            }
            // -1: too short, and count says how long it must be (it sets no errno)
            int needed = count.intValue();
            if (needed <= groups.length || needed > MAX_GROUP_COUNT) {
                throw new NativeIoException("getgrouplist", Errno.ERANGE.code(),
                        NativeCheck.context("user", name, "groups", needed));
            }
            groups = new int[needed];
        }
    }

    /** One {@code get*nam_r} call as {@link #find} makes it. */
    @FunctionalInterface
    private interface Lookup {
        int call(Pointer entry, Pointer buf, long bufBytes, PointerByReference result);
    }

    /** Fills {@code entry}; false when there is no such name. These calls return the errno itself. */
    private static boolean find(String call, String kind, String name, Struct entry, Lookup lookup)
            throws NativeIoException {
        // native memory, freed by jnr once unreachable: the entry's strings point into buf, and
        // only its integers are read, before this returns
        Pointer memory = Memory.allocateDirect(Libc.RUNTIME, Struct.size(entry));
        entry.useMemory(memory);
        for (int bytes = FIRST_BUFFER_BYTES; ; bytes *= 2) {
            Pointer buf = Memory.allocateDirect(Libc.RUNTIME, bytes);
            PointerByReference result = new PointerByReference();
            int rc = lookup.call(memory, buf, bytes, result);
            if (rc == 0) {
                return result.getValue() != null;
            }
            if (!Errno.ERANGE.is(rc) || bytes >= MAX_BUFFER_BYTES) {
                NativeCheck.checkNegErrno(-rc, call, kind, name);
            }
        }
    }
}
