package dev.restoreagent.stores;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDK client's body as a channel, driven as the client drives a subscriber. */
class SubscribedBodyTest {
    private static final Duration STALL = Duration.ofSeconds(30);
    private final SubscribedBody body = new SubscribedBody(STALL);
    private final Subscription subscription = new Subscription();

    /** Counts what the body asks of the client. */
    private static final class Subscription implements Flow.Subscription {
        volatile long requested;
        volatile boolean cancelled;

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    }

    private static String text(ByteBuffer dst) {
        dst.flip();
        return StandardCharsets.US_ASCII.decode(dst).toString();
    }

    @Test
    void aReadCopiesWhatHasComeIntoADirectBufferAcrossBuffersAndLists() throws IOException {
        body.onSubscribe(subscription);
        assertThat(subscription.requested).isEqualTo(1);
        body.onNext(List.of(bytes("abc"), bytes(""), bytes("def")));
        body.onNext(List.of(bytes("ghij")));

        ByteBuffer dst = ByteBuffer.allocateDirect(8);
        assertThat(body.read(dst)).isEqualTo(8);
        assertThat(text(dst)).isEqualTo("abcdefgh");
        // one more list asked for as each was taken
        assertThat(subscription.requested).isEqualTo(3);

        body.onComplete();
        dst.clear();
        assertThat(body.read(dst)).isEqualTo(2);
        assertThat(text(dst)).isEqualTo("ij");
        dst.clear();
        assertThat(body.read(dst)).isEqualTo(-1);
    }

    @Test
    void aReadWaitsUntilBytesCome() throws Exception {
        body.onSubscribe(subscription);
        ByteBuffer dst = ByteBuffer.allocateDirect(16);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return body.read(dst);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        body.onNext(List.of(bytes("late")));
        assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(text(dst)).isEqualTo("late");
    }

    @Test
    void aFailureComesAfterTheBytesBeforeIt() throws IOException {
        body.onSubscribe(subscription);
        body.onNext(List.of(bytes("abc")));
        SocketException reset = new SocketException("Connection reset");
        body.onError(reset);

        ByteBuffer dst = ByteBuffer.allocateDirect(16);
        assertThat(body.read(dst)).isEqualTo(3);
        assertThatThrownBy(() -> body.read(dst)).isSameAs(reset);
    }

    @Test
    void aFullBufferReadsNothingAndWaitsForNothing() throws IOException {
        body.onSubscribe(subscription);
        assertThat(body.read(ByteBuffer.allocateDirect(0))).isZero();
    }

    @Test
    void anInterruptedReadSaysSoAndKeepsTheInterrupt() {
        body.onSubscribe(subscription);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> body.read(ByteBuffer.allocateDirect(16))).isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void closingCancelsTheSubscriptionAlsoOneThatComesLater() {
        body.onSubscribe(subscription);
        body.close();
        assertThat(subscription.cancelled).isTrue();
        assertThatThrownBy(() -> body.read(ByteBuffer.allocateDirect(16))).isInstanceOf(ClosedChannelException.class);

        SubscribedBody early = new SubscribedBody(STALL);
        Subscription later = new Subscription();
        early.close();
        early.onSubscribe(later);
        assertThat(later.cancelled).isTrue();
    }

    @Test
    void aReadThatGetsNoBytesForTheStallTimeoutFailsAndFreesItsThread() throws IOException {
        SubscribedBody silent = new SubscribedBody(Duration.ofMillis(300));
        silent.onSubscribe(subscription);
        silent.onNext(List.of(bytes("ab")));
        ByteBuffer dst = ByteBuffer.allocateDirect(16);
        assertThat(silent.read(dst)).isEqualTo(2);

        long start = System.nanoTime();
        assertThatThrownBy(() -> silent.read(dst)).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("no bytes of the response body for 300 ms");
        // it waited for the timeout, not for the connection: well below the 30 s of the others
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300))
                .isLessThan(TimeUnit.SECONDS.toNanos(10));
        silent.close();
        assertThat(subscription.cancelled).isTrue();
    }
}
