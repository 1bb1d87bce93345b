package dev.restoreagent.io.memory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process-wide memory budget, in bytes. Every restore acquires its whole working set (direct
 * buffers plus decoder memory) here before it reads its first byte, and gives it back when it
 * ends. Accounting is strict: the bytes handed out never exceed {@link #totalBytes()}.
 *
 * <p>Waiters are served first come, first served: while anyone waits, {@link #tryAcquire} fails
 * and a new {@link #acquire} queues behind them, so a large request is never starved by a stream
 * of small ones. Thread-safe.
 */
public final class MemoryBudget implements AutoCloseable {
    private final long totalBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private final Set<BudgetLease> leases = ConcurrentHashMap.newKeySet();
    private long availableBytes;
    private long peakUsedBytes;
    private long blockedNanos;
    private long grants;
    private boolean closed;

    public MemoryBudget(long totalBytes) {
        if (totalBytes <= 0) {
            throw new IllegalArgumentException("totalBytes must be positive: " + totalBytes);
        }
        this.totalBytes = totalBytes;
        this.availableBytes = totalBytes;
    }

    public long totalBytes() {
        return totalBytes;
    }

    public long availableBytes() {
        lock.lock();
        try {
            return availableBytes;
        } finally {
            lock.unlock();
        }
    }

    /** The most bytes ever held at once since this budget was made. */
    public long peakUsedBytes() {
        lock.lock();
        try {
            return peakUsedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** How many acquires are queued now. */
    public int waitingCount() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /** The holders queued now, first in line first. */
    public List<String> waitingHolders() {
        lock.lock();
        try {
            List<String> holders = new ArrayList<>(waiters.size());
            waiters.forEach(w -> holders.add(w.holder));
            return holders;
        } finally {
            lock.unlock();
        }
    }

    /** The leases held now. */
    public List<BudgetLease> leases() {
        return List.copyOf(leases);
    }

    /** Total time acquirers have spent blocked, for metrics. */
    public Duration blockedTime() {
        lock.lock();
        try {
            return Duration.ofNanos(blockedNanos);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code bytes} now if they are free and nobody is waiting; never blocks.
     *
     * @throws IllegalArgumentException if {@code bytes <= 0 || bytes > totalBytes()}
     * @throws IllegalStateException if the budget is closed
     */
    public Optional<BudgetLease> tryAcquire(long bytes, String holder) {
        checkRequest(bytes);
        lock.lock();
        try {
            ensureOpen();
            if (waiters.isEmpty() && availableBytes >= bytes) {
                return Optional.of(grant(bytes, holder));
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code bytes}, waiting in FIFO order up to {@code timeout} for them.
     *
     * @throws BudgetExhaustedException when the timeout passes or the budget is closed while waiting
     * @throws InterruptedException when interrupted while waiting; the interrupt flag is cleared as usual
     * @throws IllegalArgumentException if {@code bytes <= 0 || bytes > totalBytes()}
     */
    public BudgetLease acquire(long bytes, String holder, Duration timeout)
            throws BudgetExhaustedException, InterruptedException {
        checkRequest(bytes);
        lock.lock();
        try {
            ensureOpen();
            if (waiters.isEmpty() && availableBytes >= bytes) {
                return grant(bytes, holder);
            }
            Waiter me = new Waiter(holder, lock.newCondition());
            waiters.addLast(me);
            long started = System.nanoTime();
            long remaining = timeout.toNanos();
            try {
                while (!closed && !(waiters.peekFirst() == me && availableBytes >= bytes)) {
                    if (remaining <= 0) {
                        throw new BudgetExhaustedException("timed out after " + timeout.toMillis()
                                + " ms waiting for memory budget", bytes, availableBytes, totalBytes);
                    }
                    remaining = me.ready.awaitNanos(remaining);
                }
                if (closed) {
                    throw new BudgetExhaustedException("memory budget closed", bytes, availableBytes, totalBytes);
                }
                return grant(bytes, holder);
            } finally {
                blockedNanos += System.nanoTime() - started;
                waiters.remove(me);
                // whoever is now first may fit; it cannot notice unless told
                signalHead();
            }
        } finally {
            lock.unlock();
        }
    }

    void release(BudgetLease lease) {
        lock.lock();
        try {
            if (!leases.remove(lease)) {
                throw new IllegalStateException("lease does not belong to this budget: " + lease);
            }
            availableBytes += lease.bytes();
            signalHead();
        } finally {
            lock.unlock();
        }
    }

    /** Fails every waiter with {@link BudgetExhaustedException}; leases still held stay valid. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            waiters.forEach(w -> w.ready.signal());
        } finally {
            lock.unlock();
        }
    }

    private BudgetLease grant(long bytes, String holder) {
        availableBytes -= bytes;
        peakUsedBytes = Math.max(peakUsedBytes, totalBytes - availableBytes);
        BudgetLease lease = new BudgetLease(this, bytes, holder, ++grants);
        leases.add(lease);
        return lease;
    }

    private void signalHead() {
        Waiter head = waiters.peekFirst();
        if (head != null) {
            head.ready.signal();
        }
    }

    private void checkRequest(long bytes) {
        if (bytes <= 0 || bytes > totalBytes) {
            throw new IllegalArgumentException("cannot acquire " + bytes + " bytes from a budget of "
                    + totalBytes + " bytes");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("MemoryBudget closed");
        }
    }

    private static final class Waiter {
        final String holder;
        final Condition ready;

        Waiter(String holder, Condition ready) {
            this.holder = holder;
            this.ready = ready;
        }
    }
}
