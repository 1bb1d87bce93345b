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
