package dev.restoreagent.io.memory;

import java.util.concurrent.CompletableFuture;

/**
 * A place in a {@link MemoryBudget}'s FIFO queue, taken the moment it is made, that becomes a
 * {@link BudgetLease} when the budget grants it. Nobody polls: {@link #granted()} completes when
 * the bytes are handed out, or exceptionally when the place is cancelled or the budget closes.
 *
 * <p>A place may be taken before its size is known ({@link MemoryBudget#enqueue(String)}) and sized
 * later with {@link #request(long)}: until then it holds its place and everyone behind it waits,
 * which is what first come, first served means. Ownership: the lease {@link #granted()} completes
 * with belongs to whoever made this place; {@link #cancel()} gives it back if it was granted
 * already. Thread-safe.
 *
 * <p>{@link #turn()} lets a holder put off what it needs to size its request (and holds while it
 * waits) until nobody ahead of it in the queue is left waiting.
 */
public final class PendingLease {
    private final MemoryBudget budget;
    private final String holder;
    private final CompletableFuture<BudgetLease> granted = new CompletableFuture<>();
    private final CompletableFuture<Void> turn = new CompletableFuture<>();
    /** Guarded by the budget's lock: 0 until sized. */
    long bytes;
    /** Guarded by the budget's lock: set when granted. */
    BudgetLease lease;

    PendingLease(MemoryBudget budget, String holder) {
        this.budget = budget;
        this.holder = holder;
    }

    /** Who waits here, as given to the budget (a job id). */
    public String holder() {
        return holder;
    }

    /**
     * Says how many bytes this place asks for; the budget grants them in turn.
     *
     * @throws IllegalArgumentException if {@code bytes <= 0 || bytes > totalBytes()}
     * @throws IllegalStateException if the size was given already
     */
    public void request(long bytes) {
        budget.size(this, bytes);
    }

    /**
     * Completes when this place is at the head of the queue, or has left it (granted, cancelled, or
     * failed because the budget closed): from then on nobody ahead of it waits. Never completes
     * exceptionally; its dependants run on the thread that moved the queue, so they must be short.
     */
    public CompletableFuture<Void> turn() {
        return turn;
    }

    /**
     * Completes with the lease when the bytes are granted; completes exceptionally with
     * {@link java.util.concurrent.CancellationException} after {@link #cancel()} and with
     * {@link BudgetExhaustedException} when the budget closes first.
     */
    public CompletableFuture<BudgetLease> granted() {
        return granted;
    }

    /**
     * Leaves the queue, letting those behind move up, unless {@link #granted()} has completed
     * already: a lease handed over belongs to its taker, who closes it. Returns whether the place
     * was given up. Idempotent; never blocks.
     */
    public boolean cancel() {
        if (!granted.cancel(false)) {
            return false;
        }
        // granted under the lock but not yet handed over: it goes back here
        BudgetLease held = budget.leave(this);
        if (held != null) {
            held.close();
        }
        return true;
    }

    /** Hands the lease over; if the place was cancelled meanwhile, the lease goes straight back. */
    void complete(BudgetLease granted) {
        if (!this.granted.complete(granted)) {
            granted.close();
        }
    }

    void fail(BudgetExhaustedException e) {
        granted.completeExceptionally(e);
    }

    void reachedTurn() {
        turn.complete(null);
    }
}
