package dev.restoreagent.nativeb.isal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.restoreagent.nativeb.NativeCheck;
import dev.restoreagent.nativeb.isal.raw.LibIsal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * One RFC 1950 zlib stream at a time, inflated by ISA-L ({@code libisal.so.2}) from one direct
 * buffer straight into another: no copy through the heap. ISA-L parses the two-byte header and
 * verifies the Adler-32 trailer itself ({@code crc_flag = ISAL_ZLIB}, documented and checked for
 * 2.30), and keeps its own 32 KiB history, so each call may write into a different buffer.
 *
 * <p>Not thread-safe. The state is {@value LibIsal#INFLATE_STATE_BYTES} bytes of native memory
 * owned by this object; {@link #close()} frees it once, and any use after that throws
 * {@link IllegalStateException}.
 */
public final class IsalInflater implements AutoCloseable {
    /** A zlib stream of "restore-agent isal", inflated when the library is first loaded. */
    private static final byte[] PROBE = {120, -100, 43, 74, 45, 46, -55, 47, 74, -43, 77, 76, 79, -51, 43, 81,
            -56, 44, 78, -52, 1, 0, 68, 100, 7, 10};
    private static final String PROBE_TEXT = "restore-agent isal";

    private Memory state;

    /** Whether ISA-L 2.30 is loaded and works here; the reason it is not is {@link #unavailableReason()}. */
    public static boolean isAvailable() {
        return Availability.REASON == null;
    }

    /** Why ISA-L is not used here (missing, another release, or failed its self-test), or null. */
    public static String unavailableReason() {
        return Availability.REASON;
    }

    /** Loads the library and checks its release on first use, once. */
    private static final class Availability {
        static final String REASON = probe();

        private static String probe() {
            try {
                Class.forName(LibIsal.class.getName(), true, IsalInflater.class.getClassLoader());
            } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError
                     | ClassNotFoundException e) {
                return LibIsal.SONAME + " cannot be loaded (" + NativeCheck.loadFailure(e) + ")";
            }
            // the state's layout is only known for one release: with another, reading fields at
            // these offsets would read garbage and writing them would corrupt ISA-L's tables
            String file = mappedFile();
            if (!LibIsal.LAYOUT_FILE.equals(file)) {
                return LibIsal.SONAME + " is " + (file == null ? "of unknown release" : file)
                        + ", not ISA-L 2.30 (" + LibIsal.LAYOUT_FILE + "), the release whose inflate_state layout"
                        + " this build knows";
            }
            return selfTest();
        }

        /** The file name of the loaded libisal, symlinks resolved (libtool names it after the release). */
        private static String mappedFile() {
            try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
                return maps.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                        .filter(path -> path.startsWith("/") && Path.of(path).getFileName().toString()
                                .startsWith("libisal.so"))
                        .findFirst()
                        .map(Availability::realName)
                        .orElse(null);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        private static String realName(String path) {
            try {
                return Path.of(path).toRealPath().getFileName().toString();
            } catch (IOException e) {
                return Path.of(path).getFileName().toString();
            }
        }

        /** Inflates {@link #PROBE}: the offsets are right only if the text comes back and the stream ends. */
        private static String selfTest() {
            ByteBuffer in = ByteBuffer.allocateDirect(PROBE.length).put(PROBE).flip();
            ByteBuffer out = ByteBuffer.allocateDirect(64);
            byte[] expected = PROBE_TEXT.getBytes(StandardCharsets.US_ASCII);
            try (IsalInflater inflater = new IsalInflater()) {
                boolean ended = inflater.inflate(in, out);
                byte[] text = new byte[out.flip().remaining()];
                out.get(text);
                long totalOut = Integer.toUnsignedLong(inflater.state.getInt(LibIsal.TOTAL_OUT));
                if (ended && !in.hasRemaining() && Arrays.equals(text, expected) && totalOut == expected.length) {
                    return null;
                }
            } catch (IsalDataException e) {
                return LibIsal.LAYOUT_FILE + " failed its self-test: " + e.getMessage();
            }
            return LibIsal.LAYOUT_FILE + " failed its self-test: a known stream did not inflate back";
        }
    }

    private IsalInflater() {
        state = new Memory(LibIsal.INFLATE_STATE_BYTES);
        start();
    }

    /**
     * Allocates a state and starts a stream.
     *
     * @throws IllegalStateException if ISA-L is not available ({@link #unavailableReason()})
     */
    public static IsalInflater open() {
        if (!isAvailable()) {
            throw new IllegalStateException(unavailableReason());
        }
        return new IsalInflater();
    }

    /** Forgets the stream in progress, if any, and gets ready for a new one. */
    public void start() {
        Pointer s = ensureOpen();
        s.clear(LibIsal.INFLATE_STATE_BYTES);
        LibIsal.isal_inflate_init(s);
        s.setInt(LibIsal.CRC_FLAG, LibIsal.ISAL_ZLIB);
    }

    /**
     * Inflates from {@code in} into {@code out} (both direct; positions advanced by what was
     * consumed and produced). Returns when {@code in} is used up, {@code out} is full, or the
     * stream has ended; ISA-L may keep up to a few bytes of {@code in} in its own state, so an
     * empty {@code in} does not mean all of it was decoded.
     *
     * @return true once the stream has ended and its Adler-32 matched; bytes after it are left in {@code in}
     *     except for up to 8 that ISA-L had already read ahead
     * @throws IsalDataException if the header, the deflate data or the checksum is wrong, or ISA-L's counters
     *     come back outside the buffers
     */
    public boolean inflate(ByteBuffer in, ByteBuffer out) throws IsalDataException {
        if (!in.isDirect() || !out.isDirect()) {
            throw new IllegalArgumentException("ISA-L reads and writes direct buffers only");
        }
        Pointer s = ensureOpen();
        s.setPointer(LibIsal.NEXT_IN, Native.getDirectBufferPointer(in).share(in.position()));
        s.setInt(LibIsal.AVAIL_IN, in.remaining());
        s.setPointer(LibIsal.NEXT_OUT, Native.getDirectBufferPointer(out).share(out.position()));
        s.setInt(LibIsal.AVAIL_OUT, out.remaining());
        int rc = LibIsal.isal_inflate(s);
        int blockState = s.getInt(LibIsal.BLOCK_STATE);
        int inLeft = s.getInt(LibIsal.AVAIL_IN);
        int outLeft = s.getInt(LibIsal.AVAIL_OUT);
        // ISA-L's counters need not lie within the buffers after a failure (2.30 leaves avail_in at 0xffffffff
        // after some invalid codes): the positions move only when they do, so that a failure still tells how
        // far it read, and counters outside never move them
        boolean within = inLeft >= 0 && inLeft <= in.remaining() && outLeft >= 0 && outLeft <= out.remaining();
        if (within) {
            in.position(in.limit() - inLeft);
            out.position(out.limit() - outLeft);
        }
        check(rc, blockState, "isal_inflate");
        if (!within) {
            throw new IsalDataException("isal_inflate", rc, "ISA-L left avail_in " + Integer.toUnsignedString(inLeft)
                    + " of " + in.remaining() + " and avail_out " + Integer.toUnsignedString(outLeft) + " of "
                    + out.remaining());
        }
        return blockState == LibIsal.ISAL_BLOCK_FINISH;
    }

    /** The one place ISA-L's return codes become exceptions. */
    private static void check(int rc, int blockState, String call) throws IsalDataException {
        if (rc == LibIsal.ISAL_DECOMP_OK) {
            return;
        }
        String reason = switch (rc) {
            case LibIsal.ISAL_INVALID_BLOCK -> "invalid deflate block";
            case LibIsal.ISAL_INVALID_SYMBOL -> "invalid deflate code";
            case LibIsal.ISAL_INVALID_LOOKBACK -> "invalid distance too far back";
            case LibIsal.ISAL_INVALID_WRAPPER -> "invalid zlib header";
            case LibIsal.ISAL_UNSUPPORTED_METHOD -> "unknown compression method";
            case LibIsal.ISAL_NEED_DICT -> "it asks for a preset dictionary";
            // the same code for the header's check bits and the trailer's Adler-32
            case LibIsal.ISAL_INCORRECT_CHECKSUM -> blockState == LibIsal.ISAL_BLOCK_FINISH
                    || blockState == LibIsal.ISAL_CHECKSUM_CHECK ? "incorrect data check" : "incorrect header check";
            default -> "ISA-L error " + rc;
        };
        throw new IsalDataException(call, rc, reason);
    }

    private Pointer ensureOpen() {
        Memory s = state;
        if (s == null) {
            throw new IllegalStateException("IsalInflater closed");
        }
        return s;
    }

    /** Frees the native state; later calls do nothing. */
    @Override
    public void close() {
        Memory s = state;
        state = null;
        if (s != null) {
            s.close();
        }
    }
}
