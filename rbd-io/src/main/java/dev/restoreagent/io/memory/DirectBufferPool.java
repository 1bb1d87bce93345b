package dev.restoreagent.io.memory;

import io.netty.buffer.ByteBuf;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

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
    /**
     * {@code -Drestore.buffer.debug=true} (on in every test run) arms the leak alarm: each loan records
     * where it was taken, and a loan collected by the GC without being released is reported (see
     * {@link #leaks()}) and its memory taken back.
     */
    public static final String DEBUG_PROPERTY = "restore.buffer.debug";
    private static final boolean DEBUG = Boolean.getBoolean(DEBUG_PROPERTY);
    private static final Logger LOG = Logger.getLogger(DirectBufferPool.class.getName());
    /** Runs the leak alarms; only a loan that was never released reaches it. */
    private static final Cleaner LEAK_ALARM = DEBUG ? Cleaner.create() : null;
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    private final String name;
    private final int bufferBytes;
    private final int maxBuffers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final ArrayDeque<ByteBuf> free = new ArrayDeque<>();
    private final List<ByteBuf> all = new ArrayList<>();
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
     * Lends a cleared buffer if one is free (or may still be allocated) now; null when all are on loan.
     * Ownership transfers to the caller, who must {@link #release} it.
     *
     * @throws IllegalStateException if the pool is closed
     */
    public DirectBuffer tryTake() {
        lock.lock();
        try {
            ensureOpen();
            ByteBuf buf = free.pollFirst();
            if (buf == null && all.size() < maxBuffers) {
                buf = DirectMemory.allocate(bufferBytes);
                all.add(buf);
            }
            return buf == null ? null : lend(buf);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes back a buffer lent by this pool; ownership ends here and the loan is poisoned.
     *
     * @throws IllegalStateException on a second release of the same loan, or for a buffer this pool
     *     did not lend
     */
    public void release(DirectBuffer buffer) {
        if (buffer.pool() != this) {
            throw new IllegalStateException("buffer was not lent by pool " + name);
        }
        if (!buffer.poison()) {
            throw new IllegalStateException("buffer of pool " + name + " was released twice");
        }
        giveBack(buffer.backing());
    }

    /** The memory of a loan that ended (released, or collected unreleased) goes back to the free list. */
    private void giveBack(ByteBuf buf) {
        lock.lock();
        try {
            outstanding--;
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
     * The loans the GC collected without their release since the process started, each as the
     * pool's name and where the buffer was taken; only with {@link #DEBUG_PROPERTY} on. The tests
     * fail on any (rbd-io's {@code BufferLeakCheck}).
     */
    public static List<String> leaks() {
        return List.copyOf(LEAKS);
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
            // the alarm holds the loan's flag and memory, never the loan itself, or it could not be collected
            LEAK_ALARM.register(loan, new LeakAlarm(this, loan.releasedFlag(), buf, new Throwable("taken here")));
        }
        return loan;
    }

    /** Runs when a loan is collected: a leak if it was never released. Never the way memory is freed otherwise. */
    private record LeakAlarm(DirectBufferPool pool, AtomicBoolean released, ByteBuf buf, Throwable taken)
            implements Runnable {
        @Override
        public void run() {
            if (released.get()) {
                return;
            }
            StringWriter where = new StringWriter();
            taken.printStackTrace(new PrintWriter(where));
            String leak = "LEAK: a buffer of pool " + pool.name + " was collected without being released; "
                    + where.toString().strip();
            pool.giveBack(buf);
            LOG.severe(leak);
            LEAKS.add(leak);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("DirectBufferPool " + name + " closed");
        }
    }
}
