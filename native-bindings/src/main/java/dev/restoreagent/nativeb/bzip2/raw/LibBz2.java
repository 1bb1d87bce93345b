package dev.restoreagent.nativeb.bzip2.raw;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * libbz2's streaming decompressor ({@code bzlib.h}), bound with JNA direct mapping. Methods are
 * named as the C symbols and return raw codes; {@code dev.restoreagent.nativeb.bzip2} checks them.
 * Loading fails with an {@link UnsatisfiedLinkError} where libbz2 is missing.
 */
public final class LibBz2 {
    static {
        // libbz2.so.1.0 is the soname on Debian and RHEL alike; the unversioned name is -dev's
        Native.register(NativeLibrary.getInstance("libbz2.so.1.0"));
    }

    public static final int BZ_OK = 0;
    public static final int BZ_STREAM_END = 4;
    public static final int BZ_SEQUENCE_ERROR = -1;
    public static final int BZ_PARAM_ERROR = -2;
    public static final int BZ_MEM_ERROR = -3;
    public static final int BZ_DATA_ERROR = -4;
    public static final int BZ_DATA_ERROR_MAGIC = -5;

    private LibBz2() {
    }

    /** {@code bz_stream}: the same layout on every LP64 Linux. */
    @Structure.FieldOrder({"next_in", "avail_in", "total_in_lo32", "total_in_hi32", "next_out", "avail_out",
            "total_out_lo32", "total_out_hi32", "state", "bzalloc", "bzfree", "opaque"})
    public static final class BzStream extends Structure {
        public Pointer next_in;
        public int avail_in;
        public int total_in_lo32;
        public int total_in_hi32;
        public Pointer next_out;
        public int avail_out;
        public int total_out_lo32;
        public int total_out_hi32;
        public Pointer state;
        public Pointer bzalloc;
        public Pointer bzfree;
        public Pointer opaque;
    }

    public static native int BZ2_bzDecompressInit(BzStream stream, int verbosity, int small);

    public static native int BZ2_bzDecompress(BzStream stream);

    public static native int BZ2_bzDecompressEnd(BzStream stream);
}
