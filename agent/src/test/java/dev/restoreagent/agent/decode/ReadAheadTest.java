package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.AsyncReads;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.pipeline.BufferSink;
import dev.restoreagent.nativeb.IoCompletion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * An object read several reads at once ({@link AsyncReads}, as an RBD extent is): the reads in flight are as
 * many as the worker has free buffers, completions in any order come out in order, and no buffer is given back
 * while a read may still write into it, whether the object failed or the thread was interrupted.
 */
class ReadAheadTest {
    private static final int BUFFER = 64 * 1024;
    private static final int BUFFERS = 4;

    private final ScheduledExecutorService completions = Executors.newScheduledThreadPool(3);
    private final DirectBufferPool input = new DirectBufferPool("input", 4096, 1);
    private final DirectBufferPool output = new DirectBufferPool("output", BUFFER, BUFFERS);

    @AfterEach
    void close() throws InterruptedException {
        completions.shutdown();
        assertThat(completions.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(output.outstanding()).as("every buffer back in its pool").isZero();
        input.close();
        output.close();
    }

    /** Reads from {@code bytes}, each completed after a random delay (so out of order), counting reads in flight. */
    private final class Reads implements AsyncReads, SourceObject.Opener {
        private final byte[] bytes;
        private final Random delays = new Random(7);
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        /** The read of this offset fails; -1 for none. */
        volatile long failAt = -1;

        Reads(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public ReadableByteChannel open() {
            throw new AssertionError("read ahead, never through a channel");
        }

        @Override
        public AsyncReads asyncReads() {
            return this;
        }

        @Override
        public int maxReadBytes() {
            return BUFFER;
        }

        @Override
        public void start(long offset, ByteBuffer into, IoCompletion done) {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            long delay = offset == failAt ? 1 : 5 + delays.nextInt(40);
            completions.schedule(() -> {
                into.put(bytes, (int) offset, into.remaining());
                inFlight.decrementAndGet();
                completed.incrementAndGet();
                if (offset == failAt) {
                    done.failed(new IOException("rbd_aio_read2 failed at " + offset));
                } else {
                    done.completed();
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(21).nextBytes(bytes);
        return bytes;
    }

    private static SourceObject object(Reads reads, int length) {
        return new SourceObject("extent", "test", 1000, length, null, null, Codec.NONE, reads);
    }

    @Test
    void readsAsManyAtOnceAsThereAreFreeBuffersAndHandsThemOverInOrder() throws Exception {
        byte[] bytes = random(20 * BUFFER + 123);
        Reads reads = new Reads(bytes);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        List<Long> offsets = new ArrayList<>();
        BufferSink sink = (offset, buffer) -> {
            offsets.add(offset);
            byte[] data = new byte[buffer.nio().remaining()];
            buffer.nio().get(data);
            got.write(data, 0, data.length);
            buffer.pool().release(buffer);
        };

        try (DecodeWorker worker = new DecodeWorker(input, output, 27)) {
            worker.decode(object(reads, bytes.length), sink);
        }

        assertThat(got.toByteArray()).isEqualTo(bytes);
        assertThat(offsets).hasSize(21).isSorted().startsWith(1000L, 1000L + BUFFER);
        assertThat(reads.mostInFlight.get()).as("reads in flight at once").isGreaterThan(1)
                .isLessThanOrEqualTo(BUFFERS);
    }

    @Test
    void aFailedReadEndsTheObjectAfterEveryReadInFlightCompleted() throws Exception {
        byte[] bytes = random(20 * BUFFER);
        Reads reads = new Reads(bytes);
        reads.failAt = 6L * BUFFER;
        List<Long> offsets = new ArrayList<>();
        BufferSink sink = (offset, buffer) -> {
            offsets.add(offset);
            buffer.pool().release(buffer);
        };

        RestoreFailure failure;
        try (DecodeWorker worker = new DecodeWorker(input, output, 27)) {
            failure = catchThrowableOfType(RestoreFailure.class, () -> worker.decode(object(reads, bytes.length), sink));
        }

        assertThat(failure.getMessage()).isEqualTo("cannot read object extent (test): rbd_aio_read2 failed at "
                + 6 * BUFFER);
        assertThat(offsets).as("nothing after the failed read").allMatch(o -> o < 1000 + 6L * BUFFER);
        // decode returned only once the reads it had started were done: none still writes into a released buffer
        assertThat(reads.inFlight.get()).isZero();
    }

    @Test
    void anInterruptedReadGivesItsBuffersBackOnlyOnceTheirReadsAreDone() throws Exception {
        byte[] bytes = random(8 * BUFFER);
        CountDownLatch started = new CountDownLatch(BUFFERS);
        List<Runnable> held = new ArrayList<>();
        AtomicInteger inFlight = new AtomicInteger();
        // reads that complete only when let go
        AsyncReads slow = new AsyncReads() {
            @Override
            public int maxReadBytes() {
                return BUFFER;
            }

            @Override
            public void start(long offset, ByteBuffer into, IoCompletion done) {
                inFlight.incrementAndGet();
                synchronized (held) {
                    held.add(() -> {
                        into.put(bytes, (int) offset, into.remaining());
                        inFlight.decrementAndGet();
                        done.completed();
                    });
                }
                started.countDown();
            }
        };
        SourceObject.Opener opener = new SourceObject.Opener() {
            @Override
            public ReadableByteChannel open() {
                throw new AssertionError("read ahead");
            }

            @Override
            public AsyncReads asyncReads() {
                return slow;
            }
        };
        SourceObject object = new SourceObject("extent", "test", 0, bytes.length, null, null, Codec.NONE, opener);
        try (DecodeWorker worker = new DecodeWorker(input, output, 27)) {
            CompletableFuture<Throwable> decoding = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    worker.decode(object, (offset, buffer) -> buffer.pool().release(buffer));
                    decoding.complete(null);
                } catch (Throwable e) {
                    decoding.complete(e);
                }
            });
            thread.start();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            thread.interrupt();
            Thread.sleep(200);
            assertThat(decoding).as("still waiting for the reads it started").isNotDone();
            assertThat(output.outstanding()).as("their buffers still lent").isEqualTo(BUFFERS);

            synchronized (held) {
                held.forEach(Runnable::run);
            }
            assertThat(decoding.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            assertThat(inFlight.get()).isZero();
        }
    }
}
