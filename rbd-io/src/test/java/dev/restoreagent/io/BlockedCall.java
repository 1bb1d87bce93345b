package dev.restoreagent.io;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call that should block, run on a thread of its own; {@link #start} returns once that thread is
 * parked in it (WAITING or TIMED_WAITING), so a test's "not done yet" means blocked, not "not
 * started yet". Fails the test if the call ends first or does not block within 10 s.
 */
public final class BlockedCall<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Thread thread;

    private BlockedCall(String name, Callable<T> call) {
        thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
    }

    public static <T> BlockedCall<T> start(String name, Callable<T> call) throws InterruptedException {
        BlockedCall<T> blocked = new BlockedCall<>(name, call);
        blocked.thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Thread.State state;
        while ((state = blocked.thread.getState()) != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            assertThat(blocked.result).as(name + " returned instead of blocking").isNotDone();
            assertThat(System.nanoTime()).as(name + " blocked within 10 s (state " + state + ")").isLessThan(deadline);
            Thread.sleep(1);
        }
        return blocked;
    }

    /** What the call returns once it is unblocked. */
    public CompletableFuture<T> result() {
        return result;
    }
}
