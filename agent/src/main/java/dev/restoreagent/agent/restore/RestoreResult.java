package dev.restoreagent.agent.restore;

/**
 * How a finished restore went.
 *
 * @param runningNanos time from getting the memory to the final flush
 */
public record RestoreResult(long writtenBytes, long zeroedBytes, long skippedBytes, long extentBytes,
                            long runningNanos, WorkingSet workingSet) {
    /** Bytes the restore put in place: written, zeroed and skipped. */
    public long restoredBytes() {
        return writtenBytes + zeroedBytes + skippedBytes;
    }

    public double bytesPerSecond() {
        return runningNanos <= 0 ? 0 : restoredBytes() * 1e9 / runningNanos;
    }
}
