package dev.restoreagent.io.memory;

import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed number of equally sized direct buffers, allocated on first use and recycled until
 * {@link #close()}. The pool's size is the back-pressure of the data path: when every buffer is
 * out (being filled, or in a write that has not completed), {@link #take} blocks, so the reader
 * stops reading.
 *
 * <p>Its bytes ({@link #reservedBytes()}) must be covered by the caller's {@link BudgetLease};
 * the pool never allocates more than {@code maxBuffers}. Thread-safe: buffers are taken on decode
 * threads and released on completion threads.
 */
public final class DirectBufferPool implements AutoCloseable {
    /** {@code -Drestore.buffer.debug=true} tracks every loan to catch double and foreign releases. */
    public static final String DEBUG_PROPERTY = "restore.buffer.debug";
    private static final boolean DEBUG = Boolean.getBoolean(DEBUG_PROPERTY);

    private final String name;
    private final int bufferBytes;
    private final int maxBuffers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final ArrayDeque<ByteBuf> free = new ArrayDeque<>();
    private final List<ByteBuf> all = new ArrayList<>();
    private final Set<DirectBuffer> onLoan = Collections.newSetFromMap(new IdentityHashMap<>());
    private int outstanding;
    private boolean closed;

    public DirectBufferPool(String name, int bufferBytes, int maxBuffers) {
        if (bufferBytes <= 0 || maxBuffers <= 0) {
            throw new IllegalArgumentException("bufferBytes and maxBuffers must be positive: "
                    + bufferBytes + ", " + maxBuffers);
        }
        this.name = name;
        this.bufferBytes = bufferBytes;
        this.maxBuffers = maxBuffers;
    }

    public String name() {
        return name;
    }

    public int bufferBytes() {
        return bufferBytes;
    }

    public int maxBuffers() {
        return maxBuffers;
    }

    /** The most direct memory this pool can hold: {@code bufferBytes * maxBuffers}. */
    public long reservedBytes() {
        return (long) bufferBytes * maxBuffers;
    }

    /** Buffers on loan now. */
    public int outstanding() {
        lock.lock();
        try {
            return outstanding;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lends a cleared buffer (position 0, limit = capacity), waiting while all are on loan.
     * Ownership transfers to the caller, who must {@link #release} it.
     *
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the pool is closed
     */
    public DirectBuffer take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                ensureOpen();
                ByteBuf buf = free.pollFirst();
                if (buf == null && all.size() < maxBuffers) {
                    buf = DirectMemory.allocate(bufferBytes);
                    all.add(buf);
                }
                if (buf != null) {
                    return lend(buf);
                }
                returned.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes back a buffer lent by this pool; ownership ends here and the loan is poisoned.
     *
     * @throws IllegalStateException on a second release of the same loan, or (in debug mode) for a
     *     buffer this pool did not lend
     */
    public void release(DirectBuffer buffer) {
        lock.lock();
        try {
            if (buffer.pool() != this || (DEBUG && !onLoan.remove(buffer))) {
                throw new IllegalStateException("buffer was not lent by pool " + name
                        + (buffer.isReleased() ? " or was released twice" : ""));
            }
            buffer.poison();
            outstanding--;
            ByteBuf buf = buffer.backing();
            if (closed) {
                all.remove(buf);
                buf.release();
            } else {
                free.addFirst(buf);
                returned.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees every buffer. A buffer still on loan is freed when it comes back.
     *
     * @throws IllegalStateException after freeing, if buffers were still on loan: a bug in the caller
     */
    @Override
    public void close() {
        int stillOut;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (ByteBuf buf : free) {
                all.remove(buf);
                buf.release();
            }
            free.clear();
            returned.signalAll();
            stillOut = outstanding;
        } finally {
            lock.unlock();
        }
        if (stillOut != 0) {
            throw new IllegalStateException("pool " + name + " closed with " + stillOut + " buffers on loan");
        }
    }

    private DirectBuffer lend(ByteBuf buf) {
        DirectBuffer loan = new DirectBuffer(this, buf);
        outstanding++;
        if (DEBUG) {
            onLoan.add(loan);
        }
        return loan;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("DirectBufferPool " + name + " closed");
        }
    }
}
