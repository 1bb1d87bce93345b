package dev.restoreagent.io.pipeline;

import dev.restoreagent.io.targets.BlockTarget;
import dev.restoreagent.nativeb.IoCompletion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An in-memory target whose completions fire only when the test says so, with an optional
 * injected failure of the Nth write.
 */
class FakeTarget implements BlockTarget {
    record Op(String kind, long offset, int length, IoCompletion done) {
    }

    final byte[] data;
    final List<Op> pending = new ArrayList<>();
    final List<Op> all = new ArrayList<>();
    int failWriteNumber = -1;
    boolean flushed;
    java.time.Duration stallTimeout = java.time.Duration.ofMinutes(10);

    FakeTarget(int capacity) {
        this.data = new byte[capacity];
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public long capacityBytes() {
        return data.length;
    }

    @Override
    public boolean readsAsZeros() {
        return true;
    }

    @Override
    public synchronized void write(long offsetBytes, ByteBuffer src, IoCompletion done) {
        Op op = new Op("write", offsetBytes, src.remaining(), done);
        src.duplicate().get(data, (int) offsetBytes, src.remaining());
        pending.add(op);
        all.add(op);
    }

    @Override
    public synchronized void writeZeros(long offsetBytes, ByteBuffer zeros, IoCompletion done) {
        Op op = new Op("zeros", offsetBytes, zeros.remaining(), done);
        java.util.Arrays.fill(data, (int) offsetBytes, (int) offsetBytes + zeros.remaining(), (byte) 0);
        pending.add(op);
        all.add(op);
    }

    @Override
    public java.time.Duration stallTimeout() {
        return stallTimeout;
    }

    /** Completes the newest pending op, or fails it with {@code failure} if not null. */
    void completeNewest(IOException failure) {
        Op op;
        synchronized (this) {
            op = pending.remove(pending.size() - 1);
        }
        if (failure != null) {
            op.done().failed(failure);
        } else {
            op.done().completed();
        }
    }

    /** Completes every pending op; the op numbered {@code failWriteNumber} (0-based) fails with EIO. */
    void completeAll() {
        List<Op> now;
        synchronized (this) {
            now = new ArrayList<>(pending);
            pending.clear();
        }
        for (Op op : now) {
            if (all.indexOf(op) == failWriteNumber) {
                op.done().failed(new IOException("injected EIO at offset " + op.offset()));
            } else {
                op.done().completed();
            }
        }
    }

    @Override
    public void extendTo(long bytes) {
    }

    @Override
    public void flush() {
        flushed = true;
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

    @Override
    public String markLocation() {
        return "nowhere";
    }

    @Override
    public void close() {
    }
}
