package dev.restoreagent.io.pipeline;

import dev.restoreagent.io.targets.BlockTarget;
import dev.restoreagent.io.targets.TargetException;
import dev.restoreagent.nativeb.NativeTimeoutException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A restore's writes to one {@link BlockTarget}: the buffers in flight, the first failure, the stall
 * clock, and what was written. Buffers reach it through a {@link LayerWriter} per layer
 * ({@link #layer}), which owns each one until its last write completes. The window of writes in
 * flight is bounded by the pools: a buffer in flight is not in its pool, so the reader waits for a
 * completion before it can read more.
 *
 * <p>Failures surface at one point: the first failed write is remembered, every later buffer is
 * refused with it, and {@link #drain()} and {@link #flush()} rethrow it once every write in flight
 * has completed. Completions may arrive on any thread.
 */
public final class WritePipeline {
    private final BlockTarget target;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private IOException firstFailure;
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong bytesZeroed = new AtomicLong();
    private final AtomicLong bytesSkipped = new AtomicLong();
    private final AtomicLong bytesSkippedUnread = new AtomicLong();
    /**
     * Sequence numbers of the buffers in flight, each with its submission time; every number below
     * the lowest has completed. The stall clock runs from the oldest one's submission: a clock
     * reset by every completion let writes that fail one by one push the stall error far past the
     * documented bound.
     */
    private final NavigableMap<Long, Long> pending = new TreeMap<>();
    private long lastSequence;
    private Runnable onIdle;
    /** Set by {@link #stopWaiting}: {@link #drain()} gives up at {@link #giveUpAtNanos}. */
    private boolean stopping;
    private long giveUpAtNanos;

    public WritePipeline(BlockTarget target) {
        this.target = target;
    }

    /**
     * A writer for one layer of {@code objects} objects; {@code skipZeros} leaves all-zero blocks
     * unwritten, only for a base layer on a target that {@link BlockTarget#readsAsZeros() reads as zeros}.
     */
    public LayerWriter layer(int objects, boolean skipZeros) {
        return new LayerWriter(this, objects, skipZeros);
    }

    String targetName() {
        return target.name();
    }

    /**
     * Throws if nothing more may be written: an earlier write failed, or {@code length} bytes at
     * {@code offsetBytes} pass the end of the target.
     */
    void checkWritable(long offsetBytes, long length) throws IOException {
        checkNoFailure();
        long capacity = target.capacityBytes();
        if (offsetBytes < 0 || offsetBytes > capacity - length) {
            throw new TargetException("write of " + length + " bytes at offset " + offsetBytes
                    + " would pass the end of target " + target.name() + " (" + capacity + " bytes)");
        }
    }

    /** Starts one piece of {@code write}: data, or zeros the target may punch or discard instead. */
    void submit(BufferWrite write, long offsetBytes, ByteBuffer piece, boolean zeros) {
        if (write.sequence == 0) {
            lock.lock();
            try {
                write.sequence = ++lastSequence;
                pending.put(write.sequence, System.nanoTime());
            } finally {
                lock.unlock();
            }
        }
        write.pieceSubmitted(piece.remaining(), zeros);
        try {
            if (zeros) {
                target.writeZeros(offsetBytes, piece, write);
            } else {
                target.write(offsetBytes, piece, write);
            }
        } catch (RuntimeException e) {
            // a target that throws instead of completing (a closed image, say) must not keep the piece,
            // its buffer and the restore's budget in flight for ever: it failed
            write.failed(new TargetException("target " + target.name() + " refused a write at offset "
                    + offsetBytes + ": " + e, e));
        }
    }

    /** A run of zeros left unwritten. */
    void skipped(long length) {
        bytesSkipped.addAndGet(length);
    }

    /** Known zeros (a hole of the source) left unwritten without being read: counted in {@link #bytesSkipped()} too. */
    void skippedUnread(long length) {
        bytesSkipped.addAndGet(length);
        bytesSkippedUnread.addAndGet(length);
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
            while (!pending.isEmpty()) {
                checkStallLocked();
                if (isTimeout(firstFailure)) {
                    break;
                }
                long waitNanos = TimeUnit.SECONDS.toNanos(1);
                if (stopping) {
                    long left = giveUpAtNanos - System.nanoTime();
                    if (left <= 0) {
                        throw new TargetException("stopped waiting for " + pending.size() + " writes to target "
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
        return failure instanceof NativeTimeoutException;
    }

    private void checkStallLocked() throws TargetException {
        Duration limit = target.stallTimeout();
        if (pending.isEmpty() || System.nanoTime() - pending.firstEntry().getValue() < limit.toNanos()) {
            return;
        }
        TargetException stalled = new TargetException("no write to target " + target.name() + " completed in "
                + limit.toSeconds() + " s (" + pending.size() + " in flight): the target is not answering");
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
            if (!pending.isEmpty()) {
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

    /** The part of {@link #bytesSkipped()} that the source said were zeros (its holes), never read. */
    public long bytesSkippedUnread() {
        return bytesSkippedUnread.get();
    }

    /** Buffers in flight now. */
    public int inFlight() {
        lock.lock();
        try {
            return pending.size();
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

    /**
     * The write numbered {@code sequence} has ended, its buffer back in its pool: counts its bytes
     * if it succeeded, and runs the idle action if it was the last one in flight.
     */
    void ended(long sequence, IOException failure, long dataBytes, long zeroBytes) {
        if (failure == null) {
            bytesWritten.addAndGet(dataBytes);
            bytesZeroed.addAndGet(zeroBytes);
        }
        Runnable cleanUp = null;
        lock.lock();
        try {
            if (failure != null && firstFailure == null) {
                firstFailure = failure;
            }
            pending.remove(sequence);
            if (pending.isEmpty()) {
                idle.signalAll();
                cleanUp = onIdle;
                onIdle = null;
            }
        } finally {
            lock.unlock();
        }
        if (cleanUp != null) {
            cleanUp.run();
        }
    }
}
