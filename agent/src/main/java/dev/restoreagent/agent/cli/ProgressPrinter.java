package dev.restoreagent.agent.cli;

import dev.restoreagent.api.JobState;
import dev.restoreagent.api.JobView;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.units.Sizes;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Shows a job's progress on stderr: a bar redrawn in place on a terminal, plain
 * lines at an interval otherwise (for logs and journald), nothing in quiet mode.
 */
final class ProgressPrinter implements AutoCloseable {
    /** How progress is shown. */
    enum Mode { AUTO, BAR, PLAIN, NONE }

    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final Supplier<JobView> progress;
    private final boolean bar;
    private final Thread thread;
    private volatile boolean stopped;
    private int lastLength;

    ProgressPrinter(PrintStream out, Supplier<JobView> progress, boolean bar, Duration interval) {
        this.out = out;
        this.progress = progress;
        this.bar = bar;
        this.thread = DaemonThreads.named("progress").newThread(() -> loop(interval));
    }

    void start() {
        thread.start();
    }

    private void loop(Duration interval) {
        long sleepMillis = bar ? 250 : interval.toMillis();
        while (!stopped) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (!stopped) {
                print(progress.get());
            }
        }
    }

    private synchronized void print(JobView p) {
        String line = format(p, bar);
        if (bar) {
            String padded = line + " ".repeat(Math.max(0, lastLength - line.length()));
            out.print("\r" + padded);
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** A job's progress on one line: {@code [####......] 1.2 GiB of 4.0 GiB (30%), 100.0 MiB/s, ETA 0:42}. */
    static String format(JobView job, boolean bar) {
        if (job.state() == JobState.QUEUED) {
            return "waiting for memory budget" + (job.queuePosition() == null ? "" : ", #" + job.queuePosition()
                    + " in line") + "...";
        }
        return (bar ? bar(job, BAR_WIDTH) : "progress: ") + progress(job);
    }

    /** {@code [######..............] }: the share done, when the total is known. */
    static String bar(JobView job, int width) {
        int filled = job.percentDone().orElse(0) * width / 100;
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] ";
    }

    /** {@code 1.2 GiB of 4.0 GiB (30%), 100.0 MiB/s, ETA 0:42}, leaving out what is unknown. */
    static String progress(JobView job) {
        StringBuilder text = new StringBuilder(Sizes.format(job.bytesDone()));
        if (job.bytesTotal() != null) {
            text.append(" of ").append(Sizes.format(job.bytesTotal()));
        }
        job.percentDone().ifPresent(percent -> text.append(" (").append(percent).append("%)"));
        text.append(", ").append(Sizes.format(job.rateBytesPerSecond())).append("/s");
        if (job.etaSeconds() != null) {
            text.append(", ETA ").append(clock(job.etaSeconds()));
        }
        return text.toString();
    }

    static String clock(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    /** Stops printing and ends the bar's line. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (bar && lastLength > 0) {
                out.print("\r" + " ".repeat(lastLength) + "\r");
                out.flush();
                lastLength = 0;
            }
        }
    }
}
