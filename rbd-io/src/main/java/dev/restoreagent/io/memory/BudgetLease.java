package dev.restoreagent.io.memory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bytes held from a {@link MemoryBudget} by one holder (a restore). The holder spends them on
 * direct buffers and decoder memory and gives all of them back with {@link #close()}, which is
 * idempotent, so {@code try (BudgetLease lease = budget.acquire(...))} always returns them.
 */
public final class BudgetLease implements AutoCloseable {
    private final MemoryBudget budget;
    private final long bytes;
    private final String holder;
    private final long grantNumber;
    private final AtomicBoolean closed = new AtomicBoolean();

    BudgetLease(MemoryBudget budget, long bytes, String holder, long grantNumber) {
        this.budget = budget;
        this.bytes = bytes;
        this.holder = holder;
        this.grantNumber = grantNumber;
    }

    /** 1 for the budget's first lease, then one more for each: the order leases were granted in. */
    public long grantNumber() {
        return grantNumber;
    }

    /** The bytes this lease holds. */
    public long bytes() {
        return bytes;
    }

    /** Who holds it, as given at acquire time (a job id, a file name). */
    public String holder() {
        return holder;
    }

    /** True until {@link #close()}. */
    public boolean isHeld() {
        return !closed.get();
    }

    /** Gives the bytes back to the budget; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            budget.release(this);
        }
    }

    @Override
    public String toString() {
        return "BudgetLease[" + holder + ", " + bytes + " bytes" + (isHeld() ? "" : ", released") + "]";
    }
}
