package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.pipeline.BufferSink;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The second half of a decode worker, on a thread of its own: passes each filled buffer through
 * its object's {@link Verifier} (md5, sha256 blocks) and hands it on to the sink, in the order the
 * buffers were decoded. md5 costs more than zstd decoding (about 0.6 GB/s per core), so one
 * buffer's digest overlaps the next one's decoding instead of following it.
 *
 * <p>Ownership: a buffer given to {@link #hand} is this stage's until it reaches the sink, or goes
 * back to its pool, in one place ({@code pass}). After a failure (of the check, of the sink, or
 * {@link #stop}) every later buffer goes back to its pool and nothing more reaches the sink. One
 * object at a time; used by one decode thread.
 */
final class DigestStage implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("decode-digest"));
    private volatile Exception failure;
    private Future<?> last = CompletableFuture.completedFuture(null);

    /** Starts a new object: forgets the failure of the previous one, whose buffers are all gone by now. */
    void begin() {
        failure = null;
        last = CompletableFuture.completedFuture(null);
    }

    /**
     * Queues {@code buffer} for {@code verifier}, then for {@code sink} at {@code offsetBytes}; returns
     * at once. Ownership of {@code buffer} transfers to this stage, also when this throws: it reaches
     * the sink, or goes back to its pool unwritten if it fails its check or an earlier hand-off of this
     * object failed. Throws that earlier failure.
     */
    void hand(Verifier verifier, BufferSink sink, long offsetBytes, DirectBuffer buffer)
            throws IOException, InterruptedException, RestoreFailure {
        if (failure != null) {
            // nothing more of this object is written: back to its pool now, by the same path
            pass(verifier, sink, offsetBytes, buffer);
            rethrow();
        }
        last = thread.submit(() -> pass(verifier, sink, offsetBytes, buffer));
    }

    /**
     * Checks {@code buffer} and hands it to the sink, unless this object failed already; the one place
     * this stage gives buffers back. On the stage's thread, or the caller's once a failure is known.
     */
    private void pass(Verifier verifier, BufferSink sink, long offsetBytes, DirectBuffer buffer) {
        DirectBuffer owned = buffer;
        try {
            if (failure == null) {
                verifier.update(owned.nio());
                owned = null; // the sink's from here, also when it throws
                sink.accept(offsetBytes, buffer);
            }
        } catch (Exception e) {
            if (failure == null) {
                failure = e;
            }
        } finally {
            if (owned != null) {
                owned.pool().release(owned);
            }
        }
    }

    /**
     * Waits until every buffer handed so far has reached the sink or its pool (a digest and a queued
     * write take milliseconds, so this waits through interrupts); then throws the first failure.
     */
    void drain() throws IOException, InterruptedException, RestoreFailure {
        awaitLast();
        rethrow();
    }

    /** The object failed: buffers still queued go back to their pools unwritten; returns once they have. */
    void stop() {
        if (failure == null) {
            failure = new RestoreFailure(FailureKind.CANCELLED, "decoding stopped");
        }
        awaitLast();
    }

    private void awaitLast() {
        boolean interrupted = false;
        while (true) {
            try {
                last.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                throw new IllegalStateException("a digest task threw past its own handler", e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrow() throws IOException, InterruptedException, RestoreFailure {
        Exception e = failure;
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof InterruptedException ie) {
            throw ie;
        }
        if (e instanceof RestoreFailure rf) {
            throw rf;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e != null) {
            // a sink throws only the three above; anything else must not pass as success
            throw new IllegalStateException("digest hand-off failed", e);
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
