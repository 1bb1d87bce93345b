package dev.restoreagent.nativeb.libc.raw;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/** {@code struct group} of {@code <grp.h>}; its strings and member list point into the caller's buffer. */
public final class Group extends Struct {
    public final Pointer gr_name = new Pointer();
    public final Pointer gr_passwd = new Pointer();
    public final gid_t gr_gid = new gid_t();
    public final Pointer gr_mem = new Pointer();

    public Group(Runtime runtime) {
        super(runtime);
    }
}
