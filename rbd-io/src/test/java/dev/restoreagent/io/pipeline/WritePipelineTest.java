package dev.restoreagent.io.pipeline;

import dev.restoreagent.io.BlockedCall;
import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.targets.TargetException;
import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.IoCompletion;
import dev.restoreagent.nativeb.NativeIoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WritePipelineTest {
    private static final int BLOCK = ZeroRuns.BLOCK_BYTES;
    private final DirectBufferPool pool = new DirectBufferPool("test", 4 * BLOCK, 4);

    @AfterEach
    void everyBufferIsBack() {
        assertThat(pool.outstanding()).isZero();
        pool.close();
    }

    private DirectBuffer filled(int length, int... nonZeroBlocks) throws InterruptedException {
        DirectBuffer buffer = pool.take();
        ByteBuffer nio = buffer.nio();
        for (int i = 0; i < length; i++) {
            nio.put(i, (byte) 0);
        }
        for (int block : nonZeroBlocks) {
            nio.put(block * BLOCK + 7, (byte) (block + 1));
        }
        nio.limit(length);
        return buffer;
    }

    /** One buffer through a layer writer of its own, as a restore hands it over. */
    private static void submit(WritePipeline pipeline, long offsetBytes, DirectBuffer buffer, boolean skipZeros)
            throws IOException {
        pipeline.layer(1, skipZeros).accept(offsetBytes, buffer);
    }

    @Test
    void bufferReturnsToPoolOnlyWhenItsWriteCompletes() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 100, filled(3 * BLOCK, 0, 1, 2), false);
        assertThat(pool.outstanding()).isEqualTo(1);
        assertThat(pipeline.inFlight()).isEqualTo(1);
        target.completeAll();
        assertThat(pool.outstanding()).isZero();
        pipeline.flush();
        assertThat(target.flushed).isTrue();
        assertThat(pipeline.bytesWritten()).isEqualTo(3 * BLOCK);
        assertThat(target.all).singleElement().satisfies(op -> assertThat(op.offset()).isEqualTo(100));
    }

    @Test
    void zeroBlocksAreSkippedOnlyWhenAllowed() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        WritePipeline pipeline = new WritePipeline(target);
        // blocks: data, zero, zero, data (last one short)
        submit(pipeline, 0, filled(3 * BLOCK + 10, 0, 3), true);
        target.completeAll();
        assertThat(target.all).extracting(FakeTarget.Op::kind).containsExactly("write", "write");
        assertThat(target.all).extracting(FakeTarget.Op::offset).containsExactly(0L, 3L * BLOCK);
        assertThat(pipeline.bytesSkipped()).isEqualTo(2 * BLOCK);

        submit(pipeline, 1 << 19, filled(3 * BLOCK + 10, 0, 3), false);
        target.completeAll();
        assertThat(target.all.subList(2, 5)).extracting(FakeTarget.Op::kind)
                .containsExactly("write", "zeros", "write");
        assertThat(pipeline.bytesZeroed()).isEqualTo(2 * BLOCK);
        pipeline.drain();
    }

    @Test
    void allZeroBufferSkippedGoesStraightBack() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 0, filled(BLOCK), true);
        assertThat(pool.outstanding()).isZero();
        assertThat(target.all).isEmpty();
    }

    @Test
    void writePastTheEndIsRefusedBeforeSubmitting() throws Exception {
        FakeTarget target = new FakeTarget(BLOCK);
        WritePipeline pipeline = new WritePipeline(target);
        assertThatThrownBy(() -> submit(pipeline, 1, filled(BLOCK, 0), false))
                .isInstanceOf(TargetException.class)
                .hasMessage("write of 65536 bytes at offset 1 would pass the end of target fake (65536 bytes)");
        assertThat(target.all).isEmpty();
    }

    @Test
    void firstFailureStopsSubmissionAndSurfacesAfterDrain() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        target.failWriteNumber = 0;
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 0, filled(BLOCK, 0), false);
        submit(pipeline, BLOCK, filled(BLOCK, 0), false);
        target.completeAll();
        assertThatThrownBy(() -> submit(pipeline, 2 * BLOCK, filled(BLOCK, 0), false))
                .isInstanceOf(IOException.class).hasMessage("injected EIO at offset 0");
        assertThat(target.all).hasSize(2);
        assertThatThrownBy(pipeline::flush).hasMessage("injected EIO at offset 0");
        assertThat(target.flushed).isFalse();
    }

    @Test
    void drainWaitsForWritesInFlight() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 0, filled(BLOCK, 0), false);
        BlockedCall<Void> drain = BlockedCall.start("drain", () -> {
            pipeline.drain();
            return null;
        });
        assertThat(drain.result()).isNotDone();
        target.completeAll();
        drain.result().get(30, TimeUnit.SECONDS);
    }

    @Test
    void whenIdleRunsOnTheLastCompletionOnlyAndOnce() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 0, filled(BLOCK, 0), false);
        submit(pipeline, BLOCK, filled(BLOCK, 0), false);
        AtomicInteger runs = new AtomicInteger();
        List<String> threads = new CopyOnWriteArrayList<>();
        pipeline.whenIdle(() -> {
            runs.incrementAndGet();
            threads.add(Thread.currentThread().getName());
        });
        assertThat(runs).hasValue(0);
        target.completeNewest(null);
        assertThat(runs).as("one write still in flight").hasValue(0);
        Thread completer = new Thread(() -> target.completeNewest(null), "completer");
        completer.start();
        completer.join();
        assertThat(runs).hasValue(1);
        assertThat(threads).containsExactly("completer");
        assertThat(pool.outstanding()).as("the buffers are back before it runs").isZero();
        submit(pipeline, 0, filled(BLOCK, 0), false);
        target.completeAll();
        assertThat(runs).as("it ran once, not on later completions").hasValue(1);
    }

    @Test
    void whenIdleRunsAtOnceWhenNothingIsInFlight() {
        WritePipeline pipeline = new WritePipeline(new FakeTarget(1 << 20));
        AtomicInteger runs = new AtomicInteger();
        pipeline.whenIdle(runs::incrementAndGet);
        assertThat(runs).hasValue(1);
    }

    @Test
    void stallClockRunsFromTheOldestWriteNotTheLastCompletion() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        target.stallTimeout = Duration.ofMillis(300);
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 0, filled(BLOCK, 0), false); // never completes until the end
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        TargetException stalled = null;
        // other writes keep completing; under the old clock each one postponed the stall for ever
        while (stalled == null && System.nanoTime() < deadline) {
            submit(pipeline, BLOCK, filled(BLOCK, 0), false);
            target.completeNewest(null);
            try {
                pipeline.checkStall();
            } catch (TargetException e) {
                stalled = e;
            }
        }
        assertThat(stalled).isNotNull().hasMessageContaining("the target is not answering");
        target.completeAll();
    }

    @Test
    void checkStallThrowsAnEarlierFailureAtOnce() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        target.failWriteNumber = 0;
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 0, filled(BLOCK, 0), false);
        target.completeAll();
        assertThatThrownBy(pipeline::checkStall).isInstanceOf(TargetException.class)
                .hasMessage("a write to target fake failed: injected EIO at offset 0")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void drainStopsWaitingOnceAWriteTimedOut() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 0, filled(BLOCK, 0), false);
        submit(pipeline, BLOCK, filled(BLOCK, 0), false);
        target.completeNewest(NativeIoException.of("rbd_aio_write2", Errno.ETIMEDOUT.code(), "offset=65536"));
        assertThatThrownBy(pipeline::drain).isInstanceOf(NativeIoException.class)
                .hasMessage("rbd_aio_write2 failed: ETIMEDOUT (errno=110) (offset=65536)");
        assertThat(pipeline.inFlight()).isEqualTo(1);
        assertThat(pool.outstanding()).isEqualTo(1); // the stuck write keeps its buffer
        target.completeAll();
    }

    @Test
    void stopWaitingEndsADrainWithWritesInFlight() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20);
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 0, filled(BLOCK, 0), false);
        pipeline.stopWaiting(Duration.ZERO);
        assertThatThrownBy(pipeline::drain).isInstanceOf(TargetException.class)
                .hasMessage("stopped waiting for 1 writes to target fake; their buffers stay allocated until they"
                        + " complete or the process exits");
        assertThat(pool.outstanding()).isEqualTo(1);
        target.completeAll();
        pipeline.drain();
    }

    @Test
    void aTargetThatThrowsInsteadOfCompletingFailsTheWriteAndGivesTheBufferBack() throws Exception {
        FakeTarget target = new FakeTarget(1 << 20) {
            @Override
            public synchronized void write(long offsetBytes, ByteBuffer src, IoCompletion done) {
                throw new IllegalStateException("RbdImage closed: fake");
            }
        };
        WritePipeline pipeline = new WritePipeline(target);
        submit(pipeline, 0, filled(BLOCK, 0), false);
        assertThat(pool.outstanding()).isZero();
        assertThat(pipeline.inFlight()).isZero();
        assertThatThrownBy(pipeline::drain).isInstanceOf(TargetException.class)
                .hasMessage("target fake refused a write at offset 0: java.lang.IllegalStateException: RbdImage closed: fake");
    }
}
