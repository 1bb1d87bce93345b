package dev.restoreagent.nativeb.bzip2;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.restoreagent.nativeb.NativeCheck;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.bzip2.raw.LibBz2;

import java.nio.ByteBuffer;

/**
 * One bzip2 stream at a time, decompressed by libbz2 from one direct buffer straight into
 * another: no copy through the heap. Not thread-safe; {@link #close()} frees libbz2's state once.
 * libbz2 allocates that state itself (about 3.6 MB for a 900k-block stream).
 */
public final class Bz2Decompressor implements AutoCloseable {
    private final LibBz2.BzStream stream = new LibBz2.BzStream();
    private boolean open;

    /** Whether libbz2 can be loaded here; the reason it cannot is {@link #unavailableReason()}. */
    public static boolean isAvailable() {
        return Availability.REASON == null;
    }

    /** Why libbz2 is not available, or null. */
    public static String unavailableReason() {
        return Availability.REASON;
    }

    /** Loads the library on first use, once. */
    private static final class Availability {
        static final String REASON = probe();

        private static String probe() {
            try {
                Class.forName(LibBz2.class.getName(), true, Bz2Decompressor.class.getClassLoader());
                return null;
            } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError
                     | ClassNotFoundException e) {
                return "libbz2.so.1.0 cannot be loaded (" + NativeCheck.loadFailure(e) + ")";
            }
        }
    }

    /** Starts a stream. @throws NativeIoException naming {@code BZ2_bzDecompressInit} */
    public Bz2Decompressor() throws NativeIoException {
        begin();
    }

    private void begin() throws NativeIoException {
        check(LibBz2.BZ2_bzDecompressInit(stream, 0, 0), "BZ2_bzDecompressInit");
        open = true;
    }

    /** Ends the stream that ended and starts the next one: bzip2 files may hold several in a row. */
    public void nextStream() throws NativeIoException {
        end();
        begin();
    }

    /**
     * Decompresses from {@code in} into {@code out} (both direct, positions advanced by what was
     * consumed and produced).
     *
     * @return true once the stream has ended
     * @throws Bz2DataException if the data is not bzip2 or is corrupt
     */
    public boolean decompress(ByteBuffer in, ByteBuffer out) throws NativeIoException {
        if (!in.isDirect() || !out.isDirect()) {
            throw new IllegalArgumentException("libbz2 reads and writes direct buffers only");
        }
        Pointer input = Native.getDirectBufferPointer(in).share(in.position());
        Pointer output = Native.getDirectBufferPointer(out).share(out.position());
        stream.next_in = input;
        stream.avail_in = in.remaining();
        stream.next_out = output;
        stream.avail_out = out.remaining();
        int rc = LibBz2.BZ2_bzDecompress(stream);
        in.position(in.limit() - stream.avail_in);
        out.position(out.limit() - stream.avail_out);
        if (rc == LibBz2.BZ_STREAM_END) {
            return true;
        }
        check(rc, "BZ2_bzDecompress");
        return false;
    }

    private static void check(int rc, String call) throws NativeIoException {
        if (rc == LibBz2.BZ_OK) {
            return;
        }
        if (rc == LibBz2.BZ_DATA_ERROR || rc == LibBz2.BZ_DATA_ERROR_MAGIC) {
            throw new Bz2DataException(call, rc == LibBz2.BZ_DATA_ERROR_MAGIC
                    ? "not bzip2 data (bad magic)" : "corrupt bzip2 data (a block's CRC or structure is wrong)");
        }
        throw new Bz2DataException(call, "libbz2 error " + rc);
    }

    private void end() {
        if (open) {
            open = false;
            LibBz2.BZ2_bzDecompressEnd(stream);
        }
    }

    @Override
    public void close() {
        end();
    }
}
