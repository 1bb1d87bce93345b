package dev.restoreagent.nativeb.isal.raw;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * ISA-L's streaming inflate ({@code igzip_lib.h}) in {@code libisal.so.2}, bound with JNA direct
 * mapping. Methods are named as the C symbols and return raw codes;
 * {@code dev.restoreagent.nativeb.isal} checks them. Loading fails with an
 * {@link UnsatisfiedLinkError} where libisal is missing.
 *
 * <p>{@code struct inflate_state} is 85 KiB of Huffman tables and history buffers whose layout
 * changes between ISA-L releases, so it is not a JNA {@code Structure}: it is a block of native
 * memory of {@link #INFLATE_STATE_BYTES}, and only the fields read or written here are reached, at
 * the offsets below. Both were printed with {@code sizeof}/{@code offsetof} from libisal-dev
 * 2.30.0-5's header on x86-64; they hold for that version only, which
 * {@code IsalInflater} checks before it uses them.
 *
 * <p>JNA rather than a JNI shim: one call through the wrapper, JNA's direct mapping and the field
 * writes and reads included, costs about 0.3 microseconds ({@code IsalCallBench}). A call inflates a whole
 * input buffer (256 KiB of compressed data, over 1 MiB decoded) or fills a whole output buffer,
 * which takes ISA-L about half a millisecond, so the binding costs under a thousandth of the work.
 * A shim would have to be built, packaged and loaded per architecture for nothing measurable.
 */
public final class LibIsal {
    /** The shared library's soname, the same on Debian and RHEL. */
    public static final String SONAME = "libisal.so.2";

    static {
        Native.register(NativeLibrary.getInstance(SONAME));
    }

    /** The release whose {@code inflate_state} layout is written below, as libtool names its file. */
    public static final String LAYOUT_FILE = "libisal.so.2.0.30";

    /** {@code sizeof(struct inflate_state)} in 2.30. */
    public static final int INFLATE_STATE_BYTES = 87368;
    /** {@code uint8_t *next_out}. */
    public static final int NEXT_OUT = 0;
    /** {@code uint32_t avail_out}. */
    public static final int AVAIL_OUT = 8;
    /** {@code uint32_t total_out}. */
    public static final int TOTAL_OUT = 12;
    /** {@code uint8_t *next_in}. */
    public static final int NEXT_IN = 16;
    /** {@code uint32_t avail_in}. */
    public static final int AVAIL_IN = 32;
    /** {@code enum isal_block_state block_state} (an int). */
    public static final int BLOCK_STATE = 21160;
    /** {@code uint32_t crc_flag}: which wrapper to parse and which checksum to verify. */
    public static final int CRC_FLAG = 21172;

    /** crc_flag: parse the RFC 1950 header and verify the Adler-32 trailer. */
    public static final int ISAL_ZLIB = 3;

    /** block_state once the stream, its trailer included, has been read and all output flushed. */
    public static final int ISAL_BLOCK_FINISH = 5;
    /** block_state while the trailer's checksum is being read. */
    public static final int ISAL_CHECKSUM_CHECK = 12;

    public static final int ISAL_DECOMP_OK = 0;
    public static final int ISAL_NEED_DICT = 6;
    public static final int ISAL_INVALID_BLOCK = -1;
    public static final int ISAL_INVALID_SYMBOL = -2;
    public static final int ISAL_INVALID_LOOKBACK = -3;
    public static final int ISAL_INVALID_WRAPPER = -4;
    public static final int ISAL_UNSUPPORTED_METHOD = -5;
    public static final int ISAL_INCORRECT_CHECKSUM = -6;

    private LibIsal() {
    }

    /** Sets up a state for a new stream (crc_flag back to raw deflate). */
    public static native void isal_inflate_init(Pointer state);

    /**
     * Inflates from next_in/avail_in into next_out/avail_out, advancing both; returns when the
     * input is used up, the output is full, the stream ends, or the data is bad (a negative code).
     */
    public static native int isal_inflate(Pointer state);
}
