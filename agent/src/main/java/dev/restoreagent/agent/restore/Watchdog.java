package dev.restoreagent.agent.restore;

import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.io.pipeline.WritePipeline;
import dev.restoreagent.io.targets.TargetException;

import java.io.IOException;

/**
 * A restore's once-a-second thread: it fails the restore's writes when the target stalls (and then
 * runs {@code onStall}, which stops the decode threads), runs {@code readCheck}, which fails the
 * restore when a source read does not return, and lets the {@link Checkpointer} record progress.
 * Started with the restore's writes, stopped by {@link #close()}.
 */
final class Watchdog implements AutoCloseable {
    static final long PERIOD_MILLIS = 1000;

    private final Thread thread;

    Watchdog(String holder, WritePipeline writes, Checkpointer checkpointer, Runnable onStall, Runnable readCheck) {
        thread = DaemonThreads.named("watchdog " + holder)
                .newThread(() -> loop(writes, checkpointer, onStall, readCheck));
        thread.start();
    }

    private static void loop(WritePipeline writes, Checkpointer checkpointer, Runnable onStall,
                             Runnable readCheck) {
        try {
            while (true) {
                Thread.sleep(PERIOD_MILLIS);
                readCheck.run();
                try {
                    writes.checkStall();
                    checkpointer.poll();
                } catch (TargetException e) {
                    onStall.run();
                    return;
                } catch (IOException e) {
                    // a failed flush fails a write too, and the restore reports that
                }
            }
        } catch (InterruptedException e) {
            // the restore ended
        }
    }

    /**
     * Stops the thread and waits for it: a checkpoint's flush in progress must end before the
     * target is closed under it. That flush is bounded by the target's own timeout (and fails at
     * once on an RBD image that timed out before).
     */
    @Override
    public void close() {
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                // a cancel: still the target must not be closed under the flush
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
