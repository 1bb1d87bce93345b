package dev.restoreagent.io.memory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process-wide memory budget, in bytes. Every restore acquires its whole working set (direct
 * buffers plus decoder memory) here before it reads its first byte, and gives it back when it
 * ends. Accounting is strict: the bytes handed out never exceed {@link #totalBytes()}.
 *
 * <p>Waiters are served first come, first served: a {@link PendingLease} takes its place in the
 * queue when it is made and is granted when it reaches the head and its bytes are free. While
 * anyone waits, {@link #tryAcquire} fails and a new request queues behind them, so a large request
 * is never starved by a stream of small ones. Grants happen on the thread that frees the bytes (or
 * that enqueues or sizes a request that fits); nobody polls. Thread-safe.
 */
public final class MemoryBudget implements AutoCloseable {
    private final long totalBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<PendingLease> queue = new ArrayDeque<>();
    private final Set<BudgetLease> leases = ConcurrentHashMap.newKeySet();
    private long availableBytes;
    private long peakUsedBytes;
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

    /** How many places are queued now. */
    public int waitingCount() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** The holders queued now, first in line first. */
    public List<String> waitingHolders() {
        lock.lock();
        try {
            List<String> holders = new ArrayList<>(queue.size());
            queue.forEach(w -> holders.add(w.holder()));
            return holders;
        } finally {
            lock.unlock();
        }
    }

    /** The leases held now. */
    public List<BudgetLease> leases() {
        return List.copyOf(leases);
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
            if (queue.isEmpty() && availableBytes >= bytes) {
                return Optional.of(grant(bytes, holder));
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a place at the end of the queue now, its size to follow ({@link PendingLease#request}).
     * Never blocks.
     *
     * @throws IllegalStateException if the budget is closed
     */
    public PendingLease enqueue(String holder) {
        PendingLease place = new PendingLease(this, holder);
        PendingLease head;
        lock.lock();
        try {
            ensureOpen();
            queue.addLast(place);
            head = queue.peekFirst();
        } finally {
            lock.unlock();
        }
        signalTurn(head);
        return place;
    }

    /**
     * Takes a place for {@code bytes} at the end of the queue now; granted at once if nobody waits
     * and the bytes are free. Never blocks.
     *
     * @throws IllegalArgumentException if {@code bytes <= 0 || bytes > totalBytes()}
     * @throws IllegalStateException if the budget is closed
     */
    public PendingLease enqueue(long bytes, String holder) {
        checkRequest(bytes);
        PendingLease place = enqueue(holder);
        place.request(bytes);
        return place;
    }

    /**
     * Takes {@code bytes}, waiting in FIFO order up to {@code timeout} for them.
     *
     * @throws BudgetExhaustedException when the timeout passes or the budget is closed while waiting
     * @throws InterruptedException when interrupted while waiting; the place is given up
     * @throws IllegalArgumentException if {@code bytes <= 0 || bytes > totalBytes()}
     */
    public BudgetLease acquire(long bytes, String holder, Duration timeout)
            throws BudgetExhaustedException, InterruptedException {
        PendingLease place = enqueue(bytes, holder);
        try {
            return place.granted().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            place.cancel();
            throw exhausted("timed out after " + timeout.toMillis() + " ms waiting for memory budget", bytes);
        } catch (InterruptedException e) {
            place.cancel();
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BudgetExhaustedException closedWhileWaiting) {
                throw closedWhileWaiting;
            }
            throw new IllegalStateException("unexpected failure of a budget grant", e.getCause());
        } catch (CancellationException e) {
            throw exhausted("the wait for memory budget was cancelled", bytes);
        }
    }

    void size(PendingLease place, long bytes) {
        checkRequest(bytes);
        List<PendingLease> granted;
        PendingLease head;
        lock.lock();
        try {
            if (place.bytes != 0) {
                throw new IllegalStateException("the place of " + place.holder() + " is sized already");
            }
            place.bytes = bytes;
            granted = grantFromHead();
            head = queue.peekFirst();
        } finally {
            lock.unlock();
        }
        handOver(granted, head);
    }

    /** Takes {@code place} out of the queue; returns its lease if it was granted already. */
    BudgetLease leave(PendingLease place) {
        List<PendingLease> granted;
        PendingLease head;
        BudgetLease held;
        lock.lock();
        try {
            held = place.lease;
            if (!queue.remove(place)) {
                return held;
            }
            granted = grantFromHead();
            head = queue.peekFirst();
        } finally {
            lock.unlock();
        }
        place.reachedTurn();
        handOver(granted, head);
        return held;
    }

    void release(BudgetLease lease) {
        List<PendingLease> granted;
        PendingLease head;
        lock.lock();
        try {
            if (!leases.remove(lease)) {
                throw new IllegalStateException("lease does not belong to this budget: " + lease);
            }
            availableBytes += lease.bytes();
            granted = grantFromHead();
            head = queue.peekFirst();
        } finally {
            lock.unlock();
        }
        handOver(granted, head);
    }

    /** Fails every queued place with {@link BudgetExhaustedException}; leases still held stay valid. */
    @Override
    public void close() {
        List<PendingLease> failed;
        lock.lock();
        try {
            closed = true;
            failed = new ArrayList<>(queue);
            queue.clear();
        } finally {
            lock.unlock();
        }
        for (PendingLease place : failed) {
            place.fail(exhausted("memory budget closed", place.bytes));
            place.reachedTurn();
        }
    }

    /** Grants the head of the queue while it is sized and fits; call with the lock held. */
    private List<PendingLease> grantFromHead() {
        List<PendingLease> granted = new ArrayList<>(1);
        PendingLease head;
        while ((head = queue.peekFirst()) != null && head.bytes > 0 && availableBytes >= head.bytes) {
            queue.removeFirst();
            head.lease = grant(head.bytes, head.holder());
            granted.add(head);
        }
        return granted;
    }

    // completing a future runs its dependants: never under the lock
    private static void handOver(List<PendingLease> granted, PendingLease head) {
        granted.forEach(p -> {
            p.reachedTurn();
            p.complete(p.lease);
        });
        signalTurn(head);
    }

    private static void signalTurn(PendingLease head) {
        if (head != null) {
            head.reachedTurn();
        }
    }

    private BudgetExhaustedException exhausted(String reason, long bytes) {
        return new BudgetExhaustedException(reason, bytes, availableBytes(), totalBytes);
    }

    private BudgetLease grant(long bytes, String holder) {
        availableBytes -= bytes;
        peakUsedBytes = Math.max(peakUsedBytes, totalBytes - availableBytes);
        BudgetLease lease = new BudgetLease(this, bytes, holder, ++grants);
        leases.add(lease);
        return lease;
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
}
