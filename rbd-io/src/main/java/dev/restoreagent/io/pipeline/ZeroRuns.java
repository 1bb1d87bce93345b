package dev.restoreagent.io.pipeline;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a buffer into maximal runs of all-zero and not-all-zero blocks. Blocks are
 * {@link #BLOCK_BYTES} long counted from the buffer's position (the last one may be short), so a
 * run's length is block-granular except at the end.
 */
final class ZeroRuns {
    /** Granularity of zero detection: small enough to find the holes of real disk images. */
    static final int BLOCK_BYTES = 64 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(BLOCK_BYTES).asReadOnlyBuffer();

    /** A run {@code [from, to)} of buffer indexes. */
    record Run(int from, int to, boolean zero) {
        int length() {
            return to - from;
        }
    }

    private ZeroRuns() {
    }

    /** The runs of {@code data} from position to limit; does not move its position. */
    static List<Run> of(ByteBuffer data) {
        List<Run> runs = new ArrayList<>(2);
        int start = data.position();
        int end = data.limit();
        int runStart = start;
        boolean runZero = false;
        for (int at = start; at < end; at += BLOCK_BYTES) {
            boolean zero = isZero(data, at, Math.min(at + BLOCK_BYTES, end));
            if (at == start) {
                runZero = zero;
            } else if (zero != runZero) {
                runs.add(new Run(runStart, at, runZero));
                runStart = at;
                runZero = zero;
            }
        }
        if (end > start) {
            runs.add(new Run(runStart, end, runZero));
        }
        return runs;
    }

    static boolean isZero(ByteBuffer data, int from, int to) {
        // mismatch() is vectorised in the JDK: many GB/s, far above any device here
        return data.slice(from, to - from).mismatch(ZEROS.slice(0, to - from)) == -1;
    }
}
