package dev.restoreagent.agent.restore;

/**
 * A restore's progress at one moment. Bytes done and the total count what the restore reads or writes:
 * a source's holes (an RBD snapshot's unallocated extents) left unwritten on a target that reads as zeros
 * are in neither, as they cost nothing; holes that must be written as zeros are in both.
 *
 * @param totalBytes bytes to read or write: what the source decodes to, less the holes the target skips;
 *     -1 if unknown (a compressed stream)
 * @param writtenBytes data bytes written (completed)
 * @param zeroedBytes zero bytes written, punched or discarded (completed)
 * @param skippedBytes zero bytes left unwritten because the target already reads as zeros, holes included
 * @param skippedHoleBytes the part of {@code skippedBytes} that were the source's holes, never read
 * @param runningNanos time since the restore got its memory and started reading
 * @param writesInFlight buffers submitted to the target and not completed
 */
public record Progress(long totalBytes, long writtenBytes, long zeroedBytes, long skippedBytes,
                       long skippedHoleBytes, long runningNanos, int writesInFlight) {
    /** Bytes dealt with: written, zeroed, or read and skipped as zeros. */
    public long doneBytes() {
        return writtenBytes + zeroedBytes + skippedBytes - skippedHoleBytes;
    }

    /** Bytes per second since the start, 0 before any. */
    public double bytesPerSecond() {
        return runningNanos <= 0 ? 0 : doneBytes() * 1e9 / runningNanos;
    }

    /** Seconds left at the current rate, or -1 when unknown. */
    public long etaSeconds() {
        double rate = bytesPerSecond();
        if (totalBytes < 0 || rate <= 0) {
            return -1;
        }
        return (long) Math.ceil(Math.max(0, totalBytes - doneBytes()) / rate);
    }
}
