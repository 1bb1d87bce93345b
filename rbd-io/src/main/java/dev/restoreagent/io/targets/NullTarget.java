package dev.restoreagent.io.targets;

import dev.restoreagent.nativeb.IoCompletion;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Discards everything, completing each write on the caller's thread: measures the data path
 * without any device. Counts what it was given.
 */
public final class NullTarget implements BlockTarget {
    private final long capacityBytes;
    private final boolean readsAsZeros;
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong bytesZeroed = new AtomicLong();

    public NullTarget(long capacityBytes, boolean readsAsZeros) {
        this.capacityBytes = capacityBytes;
        this.readsAsZeros = readsAsZeros;
    }

    @Override
    public String name() {
        return "null";
    }

    @Override
    public long capacityBytes() {
        return capacityBytes;
    }

    @Override
    public boolean readsAsZeros() {
        return readsAsZeros;
    }

    @Override
    public void write(long offsetBytes, ByteBuffer data, IoCompletion done) {
        bytesWritten.addAndGet(data.remaining());
        done.completed();
    }

    @Override
    public void writeZeros(long offsetBytes, ByteBuffer zeros, IoCompletion done) {
        bytesZeroed.addAndGet(zeros.remaining());
        done.completed();
    }

    @Override
    public void extendTo(long bytes) {
    }

    @Override
    public void flush() {
    }

    @Override
    public void markIncomplete(String what) {
    }

    @Override
    public void clearIncomplete() {
    }

    @Override
    public Optional<String> incompleteMark() {
        return Optional.empty();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long bytesZeroed() {
        return bytesZeroed.get();
    }

    @Override
    public String markLocation() {
        return "nowhere";
    }

    @Override
    public void close() {
    }
}
