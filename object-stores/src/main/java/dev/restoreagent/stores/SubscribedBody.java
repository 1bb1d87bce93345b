package dev.restoreagent.stores;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body of the JDK's HTTP client as a channel: the {@link HttpResponse.BodySubscriber}
 * is handed the buffers the client received into (heap buffers of its own, 16 KiB by default) and
 * a read copies them straight into the reader's buffer, with none of
 * {@link HttpResponse.BodyHandlers#ofInputStream}'s arrays between.
 *
 * <p>Back-pressure: one list of buffers is asked for at first, and the next each time the reader
 * takes one, so one list at most waits while the reader copies from another. A read waits only
 * while it has copied nothing: until bytes come, the body ends or fails, the thread is interrupted,
 * or the stall timeout passes. The JDK's client has no read timeout of its own, so the timeout is
 * this class's: a read that waited that long fails with a {@link SocketTimeoutException}, and the
 * reader closes the body, which drops the connection, and asks again by range
 * ({@link ResumingChannel}). Without it a silent server would hold the reading thread, and the
 * buffer it reads into, until the connection ended.
 *
 * <p>One reader thread; the client's threads call the subscriber's methods. Closing cancels the
 * subscription, which drops the connection unless the body was read to its end.
 */
final class SubscribedBody implements ReadableByteChannel, HttpResponse.BodySubscriber<SubscribedBody> {
    /**
     * What one open body holds while it is read: the client's buffers, those of the list being
     * copied, of the one waiting, and what its connection has read ahead.
     */
    static final int HELD_BYTES = 64 << 10;
    /** Put after the last list, when the body ended or failed; compared by identity. */
    private static final List<ByteBuffer> END = List.of(ByteBuffer.allocate(0));

    private final BlockingQueue<List<ByteBuffer>> arrived = new LinkedBlockingQueue<>();
    private final Duration stallTimeout;
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    /** Why the body ended early; set before {@link #END} is put. */
    private volatile Throwable failure;
    private volatile boolean open = true;
    /** The rest of the list taken last, and the buffer of it being copied from. */
    private Iterator<ByteBuffer> taken = Collections.emptyIterator();
    private ByteBuffer current;
    private boolean ended;

    /** @param stallTimeout how long a read waits for the first of its bytes before it fails */
    SubscribedBody(Duration stallTimeout) {
        this.stallTimeout = stallTimeout;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.complete(s)) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        arrived.add(buffers);
    }

    @Override
    public void onError(Throwable t) {
        failure = t;
        arrived.add(END);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    @Override
    public CompletionStage<SubscribedBody> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        int start = dst.position();
        while (dst.hasRemaining()) {
            ByteBuffer from = next(dst.position() == start);
            if (from == null) {
                break;
            }
            int n = Math.min(dst.remaining(), from.remaining());
            dst.put(dst.position(), from, from.position(), n);
            dst.position(dst.position() + n);
            from.position(from.position() + n);
        }
        int copied = dst.position() - start;
        if (copied > 0) {
            return copied;
        }
        Throwable why = failure;
        if (why != null) {
            throw why instanceof IOException e ? e : new IOException(why.getMessage(), why);
        }
        return ended ? -1 : 0;
    }

    /**
     * The next buffer with bytes left; null once the body ended, or, unless {@code wait}, when none
     * has come yet.
     */
    private ByteBuffer next(boolean wait) throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (taken.hasNext()) {
                current = taken.next();
                continue;
            }
            if (ended) {
                return null;
            }
            List<ByteBuffer> buffers = wait ? take() : arrived.poll();
            if (buffers == null) {
                return null;
            }
            if (buffers == END) {
                ended = true;
                return null;
            }
            taken = buffers.iterator();
            // a list came, so onSubscribe has completed: the next may come while this one is copied
            subscription.join().request(1);
        }
        return current;
    }

    private List<ByteBuffer> take() throws IOException {
        try {
            List<ByteBuffer> buffers = arrived.poll(stallTimeout.toNanos(), TimeUnit.NANOSECONDS);
            if (buffers == null) {
                long millis = stallTimeout.toMillis();
                throw new SocketTimeoutException("no bytes of the response body for "
                        + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms"));
            }
            return buffers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the response body");
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            taken = Collections.emptyIterator();
            current = null;
            arrived.clear();
            // now, or when the client subscribes, if it has not yet
            subscription.thenAccept(Flow.Subscription::cancel);
        }
    }
}
