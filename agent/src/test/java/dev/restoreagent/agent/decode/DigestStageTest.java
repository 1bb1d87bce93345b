package dev.restoreagent.agent.decode;

import dev.restoreagent.io.BlockedCall;
import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.pipeline.BufferSink;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigestStageTest {
    private static DirectBuffer filled(DirectBufferPool pool, byte value) throws InterruptedException {
        DirectBuffer buffer = pool.take();
        while (buffer.nio().hasRemaining()) {
            buffer.nio().put(value);
        }
        buffer.nio().flip();
        return buffer;
    }

    private static final Verifier NOTHING = new Verifier() {
        @Override
        public void update(java.nio.ByteBuffer data) {
        }

        @Override
        public void finish() {
        }
    };

    /** A verifier that only digests: what is checked is the test's business. */
    private static Verifier updating(MessageDigest digest) {
        return new Verifier() {
            @Override
            public void update(java.nio.ByteBuffer data) {
                digest.update(data.duplicate());
            }

            @Override
            public void finish() {
            }
        };
    }

    @Test
    void aBufferThatFailsItsCheckIsNotWrittenNorAnyAfterIt() throws Exception {
        try (DirectBufferPool pool = new DirectBufferPool("test", 4096, 4); DigestStage stage = new DigestStage()) {
            List<Long> written = new CopyOnWriteArrayList<>();
            BufferSink sink = (offset, buffer) -> {
                written.add(offset);
                pool.release(buffer);
            };
            Verifier refusesTheThird = new Verifier() {
                private int seen;

                @Override
                public void update(java.nio.ByteBuffer data) throws dev.restoreagent.agent.failure.RestoreFailure {
                    if (++seen == 3) {
                        throw dev.restoreagent.agent.failure.RestoreFailure.verification("block 3 is bad");
                    }
                }

                @Override
                public void finish() {
                }
            };
            stage.begin();
            for (int i = 0; i < 3; i++) {
                stage.hand(refusesTheThird, sink, i * 4096L, filled(pool, (byte) i));
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(stage::drain).hasMessage("block 3 is bad");
            assertThat(written).containsExactly(0L, 4096L);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void buffersReachTheSinkInOrderAndTheMd5CoversThemAll() throws Exception {
        try (DirectBufferPool pool = new DirectBufferPool("test", 4096, 4); DigestStage stage = new DigestStage()) {
            List<Long> offsets = new CopyOnWriteArrayList<>();
            BufferSink sink = (offset, buffer) -> {
                offsets.add(offset);
                pool.release(buffer);
            };
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            stage.begin();
            for (int i = 0; i < 10; i++) {
                stage.hand(updating(md5), sink, i * 4096L, filled(pool, (byte) i));
            }
            stage.drain();

            MessageDigest expected = MessageDigest.getInstance("MD5");
            for (int i = 0; i < 10; i++) {
                byte[] block = new byte[4096];
                Arrays.fill(block, (byte) i);
                expected.update(block);
            }
            assertThat(HexFormat.of().formatHex(md5.digest())).isEqualTo(HexFormat.of().formatHex(expected.digest()));
            assertThat(offsets).containsExactly(0L, 4096L, 8192L, 12288L, 16384L, 20480L, 24576L, 28672L, 32768L,
                    36864L);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void afterAFailedHandOffNothingMoreReachesTheSinkAndEveryBufferGoesBack() throws Exception {
        try (DirectBufferPool pool = new DirectBufferPool("test", 4096, 4); DigestStage stage = new DigestStage()) {
            CountDownLatch failedOnce = new CountDownLatch(1);
            List<Long> written = new CopyOnWriteArrayList<>();
            BufferSink sink = (offset, buffer) -> {
                pool.release(buffer);
                if (offset == 4096) {
                    failedOnce.countDown();
                    throw new IOException("write at 4096 failed");
                }
                written.add(offset);
            };
            stage.begin();
            stage.hand(NOTHING, sink, 0, filled(pool, (byte) 1));
            stage.hand(NOTHING, sink, 4096, filled(pool, (byte) 2));
            failedOnce.await();
            // the failure is seen at the next hand-off at the latest, or when draining
            assertThatThrownBy(() -> {
                stage.hand(NOTHING, sink, 8192, filled(pool, (byte) 3));
                stage.drain();
            }).isInstanceOf(IOException.class).hasMessage("write at 4096 failed");
            assertThat(written).containsExactly(0L);
            assertThat(pool.outstanding()).isZero();
        }
    }

    @Test
    void stopGivesQueuedBuffersBackUnwritten() throws Exception {
        try (DirectBufferPool pool = new DirectBufferPool("test", 4096, 4); DigestStage stage = new DigestStage()) {
            CountDownLatch release = new CountDownLatch(1);
            List<Long> written = new CopyOnWriteArrayList<>();
            BufferSink sink = (offset, buffer) -> {
                try {
                    release.await(); // holds the stage's thread while more buffers queue behind it
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException("interrupted");
                }
                written.add(offset);
                pool.release(buffer);
            };
            stage.begin();
            stage.hand(NOTHING, sink, 0, filled(pool, (byte) 1));
            stage.hand(NOTHING, sink, 4096, filled(pool, (byte) 2));
            stage.hand(NOTHING, sink, 8192, filled(pool, (byte) 3));
            // stop() marks the failure, then waits for the buffer at the sink: it must block, not return
            BlockedCall<Void> stop = BlockedCall.start("stop", () -> {
                stage.stop();
                return null;
            });
            release.countDown();
            stop.result().get(30, TimeUnit.SECONDS);

            // the buffer already at the sink when the object failed is written; the queued ones are not
            assertThat(written).containsExactly(0L);
            assertThat(pool.outstanding()).isZero();
        }
    }
}
