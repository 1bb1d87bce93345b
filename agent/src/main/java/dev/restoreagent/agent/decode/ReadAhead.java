package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.AsyncReads;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.nativeb.IoCompletion;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;

/**
 * Reads an object whose source takes several reads at once ({@link AsyncReads}: an RBD extent, through
 * librbd's AIO) into as many of the worker's pooled buffers as are free, and hands each to the object's
 * output in order once its read has completed. The reads in flight are bounded by the pool, which is the
 * restore's working set: buffers still with the writer are not free.
 *
 * <p>Ownership: a buffer taken from the pool is this reader's while its read is in flight, and the output's
 * once handed over ({@link ObjectOutput#handFilled}). The source writes into a buffer until its read's
 * completion is told, so no buffer goes back to the pool before that: after a failure or an interrupt this
 * reader waits for every read still in flight (each bounded by the source, for RBD the cluster's
 * {@code rados_osd_op_timeout}) and only then releases their buffers. Not thread-safe: one per decode thread.
 */
final class ReadAhead {
    private final DirectBufferPool pool;
    /** {@link System#nanoTime()} since when the oldest read in flight has been awaited; 0 while none is. */
    private volatile long waitingSince;
    private volatile long readBytes;

    /** @param pool the decode thread's output buffers: the reads go straight into them */
    ReadAhead(DirectBufferPool pool) {
        this.pool = pool;
    }

    /** Reads all of {@code object} through {@code reads}, handing its bytes to {@code out} in order. */
    void read(SourceObject object, AsyncReads reads, ObjectOutput out)
            throws SourceReadException, IOException, InterruptedException, RestoreFailure {
        readBytes = 0;
        long length = object.lengthBytes();
        ArrayDeque<Read> inFlight = new ArrayDeque<>();
        long next = 0;
        try {
            while (next < length || !inFlight.isEmpty()) {
                while (next < length) {
                    // with reads in flight, only a free buffer: the one awaited next frees the output's
                    DirectBuffer buffer = inFlight.isEmpty() ? pool.take() : pool.tryTake();
                    if (buffer == null) {
                        break;
                    }
                    Read read = new Read(buffer, (int) Math.min(Math.min(buffer.capacity(), reads.maxReadBytes()),
                            length - next));
                    inFlight.addLast(read);
                    read.start(reads, next);
                    next += read.length;
                }
                Read head = inFlight.peekFirst();
                awaitDone(head);
                inFlight.pollFirst();
                readBytes += head.length;
                // the output's from here
                out.handFilled(head.filled());
            }
        } finally {
            releaseWhenDone(inFlight);
        }
    }

    /** How long the read awaited now has been waiting at {@code now}; 0 when none is. Safe from any thread. */
    long blockedNanos(long now) {
        long since = waitingSince;
        return since == 0 ? 0 : Math.max(0, now - since);
    }

    /** Bytes of the current object read so far. Safe from any thread. */
    long readBytes() {
        return readBytes;
    }

    private void awaitDone(Read read) throws InterruptedException, SourceReadException {
        waitingSince = System.nanoTime();
        try {
            read.done.await();
        } finally {
            waitingSince = 0;
        }
        if (read.failure != null) {
            throw new SourceReadException(read.failure);
        }
    }

    /**
     * Gives back the buffers of reads not handed over, each once its read has completed: the source writes into
     * it until then. Waits through interrupts (the reads are bounded) and keeps the interrupt for the caller.
     */
    private void releaseWhenDone(ArrayDeque<Read> inFlight) {
        boolean interrupted = false;
        for (Read read : inFlight) {
            while (true) {
                try {
                    read.done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            pool.release(read.buffer);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One read in flight into one buffer: its completion is told once, on the source's thread. */
    private static final class Read implements IoCompletion {
        private final DirectBuffer buffer;
        private final int length;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile IOException failure;

        Read(DirectBuffer buffer, int length) {
            this.buffer = buffer;
            this.length = length;
        }

        /** Starts the read; one the source refused counts as done, failed, and is thrown. */
        void start(AsyncReads reads, long offset) throws SourceReadException {
            try {
                // a view of the buffer's first bytes: the source fills it from another thread
                reads.start(offset, buffer.nio().slice(0, length), this);
            } catch (IOException e) {
                failed(e);
                throw new SourceReadException(e);
            }
        }

        /** The buffer, its position at the end of the bytes read: only once {@link #done} was told without failure. */
        DirectBuffer filled() {
            buffer.nio().clear().position(length);
            return buffer;
        }

        @Override
        public void completed() {
            done.countDown();
        }

        @Override
        public void failed(IOException cause) {
            failure = cause;
            done.countDown();
        }
    }
}
