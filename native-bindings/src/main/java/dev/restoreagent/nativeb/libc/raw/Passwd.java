package dev.restoreagent.nativeb.libc.raw;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/** {@code struct passwd} of {@code <pwd.h>}, as glibc lays it out; its strings point into the caller's buffer. */
public final class Passwd extends Struct {
    public final Pointer pw_name = new Pointer();
    public final Pointer pw_passwd = new Pointer();
    public final uid_t pw_uid = new uid_t();
    public final gid_t pw_gid = new gid_t();
    public final Pointer pw_gecos = new Pointer();
    public final Pointer pw_dir = new Pointer();
    public final Pointer pw_shell = new Pointer();

    public Passwd(Runtime runtime) {
        super(runtime);
    }
}
