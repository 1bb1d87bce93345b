package dev.restoreagent.nativeb.rados.raw;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * librados ({@code librados.so.2}), direct-mapped: C symbol names, raw {@code -errno} results.
 * Loaded by soname, so the dev package's {@code librados.so} symlink is not needed.
 * {@code dev.restoreagent.nativeb.rados} checks every result.
 */
public final class LibRados {
    static {
        Native.register(NativeLibrary.getInstance("librados.so.2"));
    }

    private LibRados() {
    }

    public static native int rados_create2(PointerByReference cluster, String clusterName, String name, long flags);

    public static native int rados_conf_read_file(Pointer cluster, String path);

    public static native int rados_conf_set(Pointer cluster, String option, String value);

    /** Parses the options in environment variable {@code var}, {@code CEPH_ARGS} when null. */
    public static native int rados_conf_parse_env(Pointer cluster, String var);

    public static native int rados_conf_get(Pointer cluster, String option, byte[] buf, long len);

    public static native int rados_connect(Pointer cluster);

    public static native void rados_shutdown(Pointer cluster);

    public static native int rados_ioctx_create(Pointer cluster, String poolName, PointerByReference ioctx);

    public static native void rados_ioctx_set_namespace(Pointer ioctx, String namespace);

    public static native void rados_ioctx_destroy(Pointer ioctx);
}
