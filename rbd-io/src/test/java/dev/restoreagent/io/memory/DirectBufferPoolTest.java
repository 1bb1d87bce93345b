package dev.restoreagent.io.memory;

import dev.restoreagent.io.BlockedCall;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectBufferPoolTest {
    @Test
    void lendsDirectBuffersAndRecyclesThem() throws Exception {
        long before = DirectMemory.usedBytes();
        try (DirectBufferPool pool = new DirectBufferPool("t", 4096, 2)) {
            DirectBuffer a = pool.take();
            assertThat(a.nio().isDirect()).isTrue();
            assertThat(a.capacity()).isEqualTo(4096);
            assertThat(a.address()).isNotZero();
            a.nio().put((byte) 1);
            pool.release(a);
            DirectBuffer b = pool.take();
            assertThat(b.nio().position()).isZero();
            assertThat(DirectMemory.usedBytes() - before).isEqualTo(4096);
            pool.release(b);
            assertThat(pool.outstanding()).isZero();
        }
        assertThat(DirectMemory.usedBytes()).isEqualTo(before);
    }

    @Test
    void releasedLoanIsPoisonedAndCannotBeReleasedTwice() throws Exception {
        try (DirectBufferPool pool = new DirectBufferPool("t", 4096, 1)) {
            DirectBuffer a = pool.take();
            pool.release(a);
            assertThatThrownBy(a::nio).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("used after release");
            assertThatThrownBy(() -> pool.release(a)).isInstanceOf(IllegalStateException.class);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void foreignBufferIsRefused() throws Exception {
        try (DirectBufferPool one = new DirectBufferPool("one", 4096, 1);
             DirectBufferPool two = new DirectBufferPool("two", 4096, 1)) {
            DirectBuffer a = one.take();
            assertThatThrownBy(() -> two.release(a)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not lent by pool two");
            one.release(a);
        }
    }

    @Test
    void takeBlocksUntilABufferComesBack() throws Exception {
        try (DirectBufferPool pool = new DirectBufferPool("t", 4096, 1)) {
            DirectBuffer only = pool.take();
            BlockedCall<DirectBuffer> next = BlockedCall.start("take", pool::take);
            assertThat(next.result()).isNotDone();
            pool.release(only);
            pool.release(next.result().get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeWithBuffersOnLoanIsReportedAndTheyAreFreedOnReturn() throws Exception {
        long before = DirectMemory.usedBytes();
        DirectBufferPool pool = new DirectBufferPool("t", 4096, 1);
        DirectBuffer a = pool.take();
        assertThatThrownBy(pool::close).hasMessage("pool t closed with 1 buffers on loan");
        pool.release(a);
        assertThat(DirectMemory.usedBytes()).isEqualTo(before);
    }

    @Test
    void aLoanCollectedWithoutItsReleaseRingsTheAlarmNamingWhereItWasTakenAndGoesBack() throws Exception {
        assertThat(Boolean.getBoolean(DirectBufferPool.DEBUG_PROPERTY)).as("tests run with the alarm armed").isTrue();
        try (DirectBufferPool pool = new DirectBufferPool(BufferLeakCheck.EXPECTED_LEAK_POOL + "-1", 4096, 1)) {
            int before = DirectBufferPool.leaks().size();
            takeAndDrop(pool);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (DirectBufferPool.leaks().size() == before && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(DirectBufferPool.leaks()).hasSizeGreaterThan(before);
            assertThat(DirectBufferPool.leaks().get(before))
                    .startsWith("LEAK: a buffer of pool " + BufferLeakCheck.EXPECTED_LEAK_POOL + "-1 was collected without"
                            + " being released; java.lang.Throwable: taken here")
                    .contains("takeAndDrop");
            assertThat(pool.outstanding()).as("its memory went back to the pool").isZero();
            pool.release(pool.take());
        }
    }

    private static void takeAndDrop(DirectBufferPool pool) throws InterruptedException {
        pool.take().nio().put((byte) 1);
    }
}
