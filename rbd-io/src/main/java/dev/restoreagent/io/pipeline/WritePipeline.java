package dev.restoreagent.io.pipeline;

import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.targets.BlockTarget;
import dev.restoreagent.io.targets.IoCompletion;
import dev.restoreagent.io.targets.TargetException;
import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.NativeIoException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands filled buffers to a {@link BlockTarget} and gives each back to its pool when its write
 * completes. The window of writes in flight is bounded by the pools: a buffer in flight is not
 * in its pool, so the reader waits for a completion before it can read more.
 *
 * <p>Zero handling: each buffer is split into runs of 64 KiB blocks; all-zero runs are skipped
 * when the caller allows it (base layer onto a target that reads as zeros), else passed to
 * {@link BlockTarget#writeZeros}, which may punch or discard instead of writing.
 *
 * <p>Failures surface at one point: the first failed write is remembered, every later
 * {@link #submit} throws it without submitting, and {@link #drain()} and {@link #flush()} rethrow
 * it once every write in flight has completed. {@code submit} must be called from one thread at a
 * time; completions may arrive on any thread.
 */
public final class WritePipeline {
    private final BlockTarget target;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int inFlight;
    private IOException firstFailure;
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong bytesZeroed = new AtomicLong();
    private final AtomicLong bytesSkipped = new AtomicLong();
    /**
     * Sequence numbers of the buffers in flight, each with its submission time; every number below
     * the lowest has completed. The stall clock runs from the oldest one's submission: a clock
     * reset by every completion let writes that fail one by one push the stall error far past the
     * documented bound.
     */
    private final java.util.NavigableMap<Long, Long> pending = new java.util.TreeMap<>();
    private long lastSequence;
    private Runnable onIdle;
    /** Set by {@link #stopWaiting}: {@link #drain()} gives up at {@link #giveUpAtNanos}. */
    private boolean stopping;
    private long giveUpAtNanos;

    public WritePipeline(BlockTarget target) {
        this.target = target;
    }

    /**
     * Starts writing {@code buffer}'s bytes, position to limit, at {@code offsetBytes}.
     *
     * <p>Ownership of {@code buffer} transfers to the pipeline, also when this throws: it goes
     * back to its pool once its last write completes, or at once if nothing was written.
     *
     * @param skipZeros leave all-zero blocks unwritten; only for a base layer on a target that
     *     {@link BlockTarget#readsAsZeros() reads as zeros}
     * @throws TargetException if the range passes the end of the target; nothing is submitted
     * @throws IOException the first failure of an earlier write; nothing is submitted
     */
    public void submit(long offsetBytes, DirectBuffer buffer, boolean skipZeros) throws IOException {
        ByteBuffer data = buffer.nio();
        int length = data.remaining();
        try {
            checkNoFailure();
            checkBounds(offsetBytes, length);
        } catch (IOException e) {
            buffer.pool().release(buffer);
            throw e;
        }
        List<ZeroRuns.Run> runs = ZeroRuns.of(data);
        int pieces = 0;
        for (ZeroRuns.Run run : runs) {
            if (run.zero() && skipZeros) {
                bytesSkipped.addAndGet(run.length());
            } else {
                pieces++;
            }
        }
        if (pieces == 0) {
            buffer.pool().release(buffer);
            return;
        }
        BufferWrite write = new BufferWrite(buffer, pieces);
        lock.lock();
        try {
            write.sequence = ++lastSequence;
            pending.put(write.sequence, System.nanoTime());
            inFlight++;
        } finally {
            lock.unlock();
        }
        int start = data.position();
        for (ZeroRuns.Run run : runs) {
            long at = offsetBytes + (run.from() - start);
            ByteBuffer piece = data.slice(run.from(), run.length());
            if (!run.zero()) {
                target.write(at, piece, write.piece(bytesWritten, run.length()));
            } else if (!skipZeros) {
                target.writeZeros(at, piece, write.piece(bytesZeroed, run.length()));
            }
        }
    }

    /**
     * Waits until no write is in flight, then throws the first failure if there was one. Waits
     * through interrupts (buffers in flight must not be freed under the device) and restores the
     * interrupt flag afterwards.
     *
     * <p>Once a write has failed because the target did not answer in time (ETIMEDOUT), it stops
     * waiting and throws that failure: the other writes in flight go to the same dead target and
     * either time out too or are held by librbd for ever. Their buffers stay theirs (see
     * {@link #whenIdle}).
     *
     * @throws TargetException if the target stalls (see the class comment); writes are then still
     *     in flight
     */
    public void drain() throws IOException {
        boolean interrupted = false;
        lock.lock();
        try {
            while (inFlight > 0) {
                checkStallLocked();
                if (isTimeout(firstFailure)) {
                    break;
                }
                long waitNanos = TimeUnit.SECONDS.toNanos(1);
                if (stopping) {
                    long left = giveUpAtNanos - System.nanoTime();
                    if (left <= 0) {
                        throw new TargetException("stopped waiting for " + inFlight + " writes to target "
                                + target.name() + "; their buffers stay allocated until they complete or the"
                                + " process exits");
                    }
                    waitNanos = Math.min(waitNanos, left);
                }
                try {
                    idle.awaitNanos(waitNanos);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        checkNoFailure();
    }

    /**
     * Fails the pipeline if a write has been in flight for the target's stall timeout (counted
     * from its submission); the restore's watchdog calls this every second. Also throws if a write
     * has failed already, so that the watchdog stops the readers at once instead of leaving the
     * failure to the next submit, which a reader blocked on its source may never make.
     *
     * @throws TargetException naming the target, the time and the writes in flight; or, for an
     *     earlier failed write, with that failure as its cause
     */
    public void checkStall() throws TargetException {
        lock.lock();
        try {
            checkStallLocked();
            if (firstFailure != null) {
                throw firstFailure instanceof TargetException t ? t : new TargetException("a write to target "
                        + target.name() + " failed: " + firstFailure.getMessage(), firstFailure);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code failure} says the target did not answer in time. */
    static boolean isTimeout(IOException failure) {
        return failure instanceof NativeIoException n && n.errno() == Errno.ETIMEDOUT.code();
    }

    private void checkStallLocked() throws TargetException {
        Duration limit = target.stallTimeout();
        if (inFlight == 0 || pending.isEmpty()
                || System.nanoTime() - pending.firstEntry().getValue() < limit.toNanos()) {
            return;
        }
        TargetException stalled = new TargetException("no write to target " + target.name() + " completed in "
                + limit.toSeconds() + " s (" + inFlight + " in flight): the target is not answering");
        if (firstFailure == null) {
            firstFailure = stalled;
        }
        throw stalled;
    }

    /**
     * Makes {@link #drain()} (a running one too) give up at most {@code grace} from now, throwing a
     * {@link TargetException} if writes are still in flight then; for a cancel, which must end
     * promptly even when the target does not answer. Writes in flight keep their buffers (see
     * {@link #whenIdle}). Any thread; never blocks; a later call can only bring the time forward.
     */
    public void stopWaiting(Duration grace) {
        lock.lock();
        try {
            long at = System.nanoTime() + grace.toNanos();
            if (!stopping || at - giveUpAtNanos < 0) {
                giveUpAtNanos = at;
            }
            stopping = true;
            idle.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code cleanUp} once no write is in flight: now, or on the completion thread of the last
     * write. For freeing what stalled writes still hold if they ever complete.
     */
    public void whenIdle(Runnable cleanUp) {
        lock.lock();
        try {
            if (inFlight > 0) {
                onIdle = cleanUp;
                return;
            }
        } finally {
            lock.unlock();
        }
        cleanUp.run();
    }

    /** {@link #drain()}, then makes everything written durable on the target. */
    public void flush() throws IOException {
        drain();
        target.flush();
    }

    /** The first write failure, if any. */
    public Optional<IOException> failure() {
        lock.lock();
        try {
            return Optional.ofNullable(firstFailure);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sequence number of the last buffer submitted so far: a mark to pass to
     * {@link #completedThrough} later. Numbers grow by one per submitted buffer.
     */
    public long lastSubmitted() {
        lock.lock();
        try {
            return lastSequence;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether every buffer submitted up to {@code sequence} has completed without failure: the
     * condition for a checkpoint (with a {@link BlockTarget#flush()} after it).
     */
    public boolean completedThrough(long sequence) {
        lock.lock();
        try {
            return firstFailure == null && (pending.isEmpty() || pending.firstKey() > sequence);
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of data written (completed). */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Bytes of zeros written, punched or discarded (completed). */
    public long bytesZeroed() {
        return bytesZeroed.get();
    }

    /** Bytes of zeros left unwritten because the target already reads as zeros. */
    public long bytesSkipped() {
        return bytesSkipped.get();
    }

    /** Buffers in flight now. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    private void checkNoFailure() throws IOException {
        lock.lock();
        try {
            if (firstFailure != null) {
                throw firstFailure;
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkBounds(long offsetBytes, int length) throws TargetException {
        long capacity = target.capacityBytes();
        if (offsetBytes < 0 || offsetBytes > capacity - length) {
            throw new TargetException("write of " + length + " bytes at offset " + offsetBytes
                    + " would pass the end of target " + target.name() + " (" + capacity + " bytes)");
        }
    }

    private void completed(BufferWrite write, IOException failure) {
        DirectBufferPool pool = write.buffer.pool();
        Runnable cleanUp = null;
        try {
            pool.release(write.buffer);
        } finally {
            lock.lock();
            try {
                if (failure != null && firstFailure == null) {
                    firstFailure = failure;
                }
                inFlight--;
                pending.remove(write.sequence);
                if (inFlight == 0) {
                    idle.signalAll();
                    cleanUp = onIdle;
                    onIdle = null;
                }
            } finally {
                lock.unlock();
            }
        }
        if (cleanUp != null) {
            cleanUp.run();
        }
    }

    /** One submitted buffer: its pieces complete independently; the last one gives it back. */
    private final class BufferWrite {
        private final DirectBuffer buffer;
        private final AtomicInteger piecesLeft;
        private long sequence;
        private volatile IOException failure;

        BufferWrite(DirectBuffer buffer, int pieces) {
            this.buffer = buffer;
            this.piecesLeft = new AtomicInteger(pieces);
        }

        IoCompletion piece(AtomicLong counter, int length) {
            return new IoCompletion() {
                @Override
                public void completed() {
                    counter.addAndGet(length);
                    pieceDone();
                }

                @Override
                public void failed(IOException cause) {
                    if (failure == null) {
                        failure = cause;
                    }
                    pieceDone();
                }
            };
        }

        private void pieceDone() {
            if (piecesLeft.decrementAndGet() == 0) {
                WritePipeline.this.completed(this, failure);
            }
        }
    }
}
