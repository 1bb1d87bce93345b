package dev.restoreagent.io.memory;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryBudgetTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void tryAcquireGrantsWhileBytesLastAndNeverOvershoots() {
        MemoryBudget budget = new MemoryBudget(100);
        BudgetLease a = budget.tryAcquire(60, "a").orElseThrow();
        assertThat(budget.tryAcquire(41, "b")).isEmpty();
        BudgetLease b = budget.tryAcquire(40, "b").orElseThrow();
        assertThat(budget.availableBytes()).isZero();
        a.close();
        b.close();
        assertThat(budget.availableBytes()).isEqualTo(100);
        assertThat(budget.peakUsedBytes()).isEqualTo(100);
    }

    @Test
    void leaseCloseIsIdempotent() {
        MemoryBudget budget = new MemoryBudget(100);
        BudgetLease lease = budget.tryAcquire(10, "a").orElseThrow();
        lease.close();
        lease.close();
        assertThat(budget.availableBytes()).isEqualTo(100);
        assertThat(lease.isHeld()).isFalse();
    }

    @Test
    void requestsOutsideOneToTotalAreRefused() {
        MemoryBudget budget = new MemoryBudget(100);
        assertThatThrownBy(() -> budget.tryAcquire(0, "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> budget.acquire(101, "a", LONG))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot acquire 101 bytes from a budget of 100 bytes");
        assertThatThrownBy(() -> new MemoryBudget(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acquireTimesOutNamingRequestedAvailableAndTotal() {
        MemoryBudget budget = new MemoryBudget(100);
        BudgetLease held = budget.tryAcquire(80, "a").orElseThrow();
        assertThatThrownBy(() -> budget.acquire(30, "b", Duration.ofMillis(50)))
                .isInstanceOf(BudgetExhaustedException.class)
                .hasMessage("timed out after 50 ms waiting for memory budget: requested 30 bytes,"
                        + " available 20 of 100 bytes");
        assertThat(budget.waitingCount()).isZero();
        held.close();
    }

    @Test
    void waitersAreServedInArrivalOrderAndSmallOnesDoNotJumpTheQueue() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        BudgetLease blocker = budget.tryAcquire(50, "blocker").orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                String name = "w" + i;
                // each needs more than half, so they run strictly one after another
                long bytes = 60;
                futures.add(pool.submit(() -> {
                    try (BudgetLease lease = budget.acquire(bytes, name, LONG)) {
                        order.add(name);
                    }
                    return null;
                }));
                awaitWaiting(budget, i + 1);
            }
            // 50 bytes are free, yet a small request must not slip past the queue
            assertThat(budget.availableBytes()).isEqualTo(50);
            assertThat(budget.tryAcquire(10, "late")).isEmpty();
            assertThat(budget.waitingHolders()).containsExactly("w0", "w1", "w2", "w3", "w4");
            blocker.close();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(order).containsExactly("w0", "w1", "w2", "w3", "w4");
        assertThat(budget.availableBytes()).isEqualTo(100);
    }

    @Test
    void closeFailsWaiters() throws Exception {
        MemoryBudget budget = new MemoryBudget(10);
        BudgetLease held = budget.tryAcquire(10, "a").orElseThrow();
        CountDownLatch failed = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                budget.acquire(5, "b", LONG).close();
            } catch (BudgetExhaustedException e) {
                failed.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        awaitWaiting(budget, 1);
        budget.close();
        assertThat(failed.await(30, TimeUnit.SECONDS)).isTrue();
        held.close();
        assertThatThrownBy(() -> budget.tryAcquire(1, "c")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void interruptedWaiterLeavesTheQueue() throws Exception {
        MemoryBudget budget = new MemoryBudget(10);
        BudgetLease held = budget.tryAcquire(10, "a").orElseThrow();
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                budget.acquire(5, "b", LONG).close();
            } catch (InterruptedException e) {
                interrupted.countDown();
            } catch (BudgetExhaustedException e) {
                throw new AssertionError(e);
            }
        });
        waiter.start();
        awaitWaiting(budget, 1);
        waiter.interrupt();
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.waitingCount()).isZero();
        held.close();
    }

    @Test
    void aPlaceIsGrantedWhenBytesAreFreedWithoutAnyoneWaitingOnIt() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        BudgetLease held = budget.tryAcquire(70, "a").orElseThrow();
        PendingLease place = budget.enqueue(50, "b");
        assertThat(place.granted()).isNotDone();
        assertThat(budget.waitingHolders()).containsExactly("b");
        held.close();
        // granted on the releasing thread: no thread of b's is involved
        BudgetLease lease = place.granted().getNow(null);
        assertThat(lease).isNotNull();
        assertThat(lease.holder()).isEqualTo("b");
        assertThat(budget.availableBytes()).isEqualTo(50);
        lease.close();
    }

    @Test
    void anUnsizedPlaceHoldsItsTurnUntilItIsSizedOrCancelled() {
        MemoryBudget budget = new MemoryBudget(100);
        PendingLease first = budget.enqueue("first");
        PendingLease second = budget.enqueue(10, "second");
        // 100 bytes are free, but first in line has not said what it needs yet
        assertThat(second.granted()).isNotDone();
        assertThat(budget.tryAcquire(1, "late")).isEmpty();
        first.request(60);
        assertThat(first.granted()).isCompleted();
        assertThat(second.granted()).isCompleted();
        assertThat(budget.availableBytes()).isEqualTo(30);
        first.granted().join().close();
        second.granted().join().close();
        assertThatThrownBy(() -> first.request(5)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancellingAQueuedPlaceLetsTheNextOneIn() {
        MemoryBudget budget = new MemoryBudget(100);
        BudgetLease held = budget.tryAcquire(50, "a").orElseThrow();
        PendingLease big = budget.enqueue(80, "big");
        PendingLease small = budget.enqueue(40, "small");
        assertThat(small.granted()).isNotDone();
        assertThat(big.cancel()).isTrue();
        assertThat(big.granted()).isCancelled();
        assertThat(small.granted()).isCompleted();
        assertThat(budget.waitingCount()).isZero();
        small.granted().join().close();
        held.close();
        assertThat(budget.availableBytes()).isEqualTo(100);
    }

    @Test
    void cancelAfterTheGrantLeavesTheLeaseWithItsTaker() {
        MemoryBudget budget = new MemoryBudget(100);
        PendingLease place = budget.enqueue(60, "a");
        BudgetLease lease = place.granted().join();
        assertThat(place.cancel()).isFalse();
        assertThat(lease.isHeld()).isTrue();
        assertThat(budget.availableBytes()).isEqualTo(40);
        lease.close();
    }

    @Test
    void closeFailsQueuedPlaces() {
        MemoryBudget budget = new MemoryBudget(10);
        BudgetLease held = budget.tryAcquire(10, "a").orElseThrow();
        PendingLease place = budget.enqueue(5, "b");
        budget.close();
        assertThat(place.granted()).isCompletedExceptionally();
        assertThatThrownBy(place.granted()::join).hasCauseInstanceOf(BudgetExhaustedException.class)
                .hasMessageContaining("memory budget closed");
        assertThatThrownBy(() -> budget.enqueue("c")).isInstanceOf(IllegalStateException.class);
        held.close();
    }

    @Test
    void aPlaceHasItsTurnWhenNobodyAheadOfItWaits() {
        MemoryBudget budget = new MemoryBudget(10);
        BudgetLease held = budget.tryAcquire(10, "hog").orElseThrow();
        PendingLease first = budget.enqueue("first");
        PendingLease second = budget.enqueue("second");
        PendingLease third = budget.enqueue("third");
        assertThat(first.turn()).isDone();
        assertThat(second.turn()).isNotDone();
        assertThat(third.turn()).isNotDone();

        // sized, the head still waits for the hog's bytes: those behind it wait too
        first.request(6);
        assertThat(second.turn()).isNotDone();

        // granted, the head leaves the queue: the next one's turn
        held.close();
        assertThat(first.granted()).isCompleted();
        assertThat(second.turn()).isDone();
        assertThat(third.turn()).isNotDone();

        // cancelled, the head's place goes to the next
        second.cancel();
        assertThat(third.turn()).isDone();
        first.granted().join().close();
        third.cancel();
    }

    @Test
    void closeGivesEveryQueuedPlaceItsTurn() {
        MemoryBudget budget = new MemoryBudget(10);
        BudgetLease held = budget.tryAcquire(10, "hog").orElseThrow();
        PendingLease first = budget.enqueue("first");
        PendingLease second = budget.enqueue("second");
        assertThat(second.turn()).isNotDone();
        budget.close();
        assertThat(second.turn()).isDone();
        assertThat(second.granted()).isCompletedExceptionally();
        held.close();
        assertThat(first.granted()).isCompletedExceptionally();
    }

    static void awaitWaiting(MemoryBudget budget, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (budget.waitingCount() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + count + " waiters in time");
            }
            Thread.onSpinWait();
            Thread.sleep(1);
        }
    }
}
