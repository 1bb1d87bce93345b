package dev.restoreagent.agent.restore;

import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.pipeline.WritePipeline;
import dev.restoreagent.io.targets.TargetException;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A restore's once-a-second tick, a task of the restores' one scheduled executor (no thread of its
 * own): it fails the restore's writes when the target stalls (and then runs {@code onStall}, which
 * stops the decode threads), runs {@code readCheck}, which fails the restore when a source read does
 * not return, and lets the {@link Checkpointer} record progress. Started with the restore's writes,
 * stopped by {@link #close()}.
 */
final class Watchdog implements AutoCloseable {
    static final long PERIOD_MILLIS = 1000;
    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());
    /**
     * Every restore's ticks. Two threads: a tick's checkpoint flush (bounded by the target's timeout)
     * on one dead target must not hold every other restore's watchdog.
     */
    private static final ScheduledExecutorService TICKS = Executors.newScheduledThreadPool(2,
            DaemonThreads.named("restore watchdog"));

    private final WritePipeline writes;
    private final Checkpointer checkpointer;
    private final Runnable onStall;
    private final Runnable readCheck;
    /** Held by a running tick: {@link #close()} waits for it. */
    private final ReentrantLock ticking = new ReentrantLock();
    private volatile boolean closed;
    private final ScheduledFuture<?> schedule;

    Watchdog(WritePipeline writes, Checkpointer checkpointer, Runnable onStall, Runnable readCheck) {
        this.writes = writes;
        this.checkpointer = checkpointer;
        this.onStall = onStall;
        this.readCheck = readCheck;
        this.schedule = TICKS.scheduleWithFixedDelay(this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        ticking.lock();
        try {
            if (closed) {
                return;
            }
            readCheck.run();
            writes.checkStall();
            checkpointer.poll();
        } catch (TargetException e) {
            closed = true;
            schedule.cancel(false);
            onStall.run();
        } catch (IOException e) {
            // a failed flush fails a write too, and the restore reports that
        } catch (RuntimeException e) {
            // a tick that throws would end the schedule without a word
            LOG.log(Level.WARNING, "restore watchdog: " + e, e);
        } finally {
            ticking.unlock();
        }
    }

    /**
     * Stops the ticks and waits for one in progress: a checkpoint's flush must end before the
     * target is closed under it. That flush is bounded by the target's own timeout (and fails at
     * once on an RBD image that timed out before).
     */
    @Override
    public void close() {
        closed = true;
        schedule.cancel(false);
        // a cancel's interrupt must not let the target be closed under a flush: wait uninterruptibly
        ticking.lock();
        ticking.unlock();
    }
}
